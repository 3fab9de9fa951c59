using System.Text.Json;
using Mandate.Core.Configuration;
using Mandate.SenderConstraint;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Mandate.Server.Proxy.Mcp;

/// <summary>
/// RFC 9728 protected resource metadata for each MCP server behind the gateway, served on the proxy listener, and the
/// RFC 6750 and RFC 9449 challenges that point to it. The metadata URL is built from the tool's <c>resource</c> as RFC 9728 §3.1
/// says (the well-known segment inserted between host and path), so <c>resource</c> must be the URL agents reach the
/// gateway at, e.g. <c>https://gateway.acme.example/payments-mcp</c>.
/// </summary>
internal static class McpResourceMetadata
{
    /// <summary>RFC 9728 §3: the well-known path prefix.</summary>
    public const string WellKnown = "/.well-known/oauth-protected-resource";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The metadata URL of <paramref name="tool"/> (RFC 9728 §3.1).</summary>
    public static string Url(ToolOptions tool)
    {
        var resource = new Uri(tool.Resource);
        return resource.GetLeftPart(UriPartial.Authority) + WellKnown + resource.AbsolutePath.TrimEnd('/');
    }

    /// <summary>
    /// The <c>WWW-Authenticate</c> values of a 401 or of a 400 for a malformed credential (MCP authorization §Protected
    /// Resource Metadata Discovery, RFC 9728 §5.1, RFC 9449 §7.1): a Bearer and a DPoP challenge (with the proof
    /// algorithms), each with <c>resource_metadata</c> and the scopes to ask for; <paramref name="error"/> only when a
    /// credential was presented (RFC 6750 §3.1), and <c>invalid_dpop_proof</c> in the DPoP challenge only.
    /// </summary>
    public static StringValues Challenges(ToolOptions tool, IReadOnlyList<string> dpopAlgorithms, string? error, string? description) =>
        new([.. AuthenticateChallenges.Build([new("resource_metadata", Url(tool))], dpopAlgorithms, tool.Scopes.Count > 0 ? string.Join(' ', tool.Scopes) : null, error, description)]);

    /// <summary>
    /// The <c>WWW-Authenticate</c> values of a 403 for a credential without a tool's scopes (RFC 6750 §3.1, MCP
    /// authorization §Scope Challenge Handling): every scope the call needs, so a client can step up, in a Bearer and a
    /// DPoP challenge (RFC 9449 §7.1), whichever scheme its credential uses, as <c>Mandate.ResourceServer</c> answers.
    /// </summary>
    public static StringValues InsufficientScope(ToolOptions tool, IReadOnlyList<string> dpopAlgorithms, IEnumerable<string> needed, string description) =>
        new([.. AuthenticateChallenges.Build([new("resource_metadata", Url(tool))], dpopAlgorithms, string.Join(' ', needed), "insufficient_scope", description)]);

    /// <summary>The MCP tool whose metadata path is <paramref name="path"/> (below the well-known prefix), or null.</summary>
    public static ToolOptions? Find(IEnumerable<ToolOptions> tools, string path) =>
        tools.FirstOrDefault(t => t.Mcp is not null && t.Upstream is not null && Uri.TryCreate(t.Resource, UriKind.Absolute, out var r)
            && string.Equals(r.AbsolutePath.TrimEnd('/'), path, StringComparison.Ordinal));

    /// <summary>Whether the origin-form target <paramref name="raw"/> is for a metadata document (public, served without a credential or an audit record).</summary>
    public static bool IsMetadataRequest(string raw)
    {
        var path = raw.Split('?', 2)[0];
        return path == WellKnown || path.StartsWith(WellKnown + "/", StringComparison.Ordinal);
    }

    /// <summary>GET (or HEAD) <c>/.well-known/oauth-protected-resource{resource path}</c> (<paramref name="raw"/>, in origin-form): the document, or a 404/405 problem.</summary>
    public static async Task ServeAsync(HttpContext http, string raw, IReadOnlyList<ToolOptions> tools, string issuer, IReadOnlyList<string> dpopAlgorithms)
    {
        // RFC 9728 §3.3: the document is served only at the URL derived from its resource (so not with an added slash).
        var path = raw.StartsWith(WellKnown, StringComparison.Ordinal) && !raw.Contains('?', StringComparison.Ordinal) ? raw[WellKnown.Length..] : null;
        var tool = path is null || (path.Length > 0 && path[0] != '/') ? null : Find(tools, path);
        if (tool is null)
        {
            await ProxyProblem.WriteAsync(http, ProxyRefusal.NotFound(McpGatewayChecks.MetadataUnknown, "no MCP server behind this gateway has protected resource metadata at this path; it is /.well-known/oauth-protected-resource followed by the path of the tool's resource") with { Title = "unknown metadata document" });
            return;
        }

        if (!Http.ImplementedMethods.IsStandard(http.Request.Method))
        {
            await ProxyProblem.WriteAsync(http, ProxyRefusal.MethodNotImplemented("read the document with GET in upper case"));
            return;
        }

        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            var refusal = new ProxyRefusal(StatusCodes.Status405MethodNotAllowed, "method not allowed", "protected resource metadata is read with GET") { CheckId = McpGatewayChecks.MethodNotAllowed };
            await ProxyProblem.WriteAsync(http, refusal, h => h.Allow = "GET, HEAD");
            return;
        }

        await WriteAsync(http, tool, issuer, dpopAlgorithms);
    }

    /// <summary>
    /// Writes the document: resource, the authorization server (Mandate's issuer), scopes, how to send the credential
    /// and the DPoP proof algorithms (RFC 9728 §2). The gateway accepts bearer credentials as well as DPoP-bound ones,
    /// so <c>dpop_bound_access_tokens_required</c> is false.
    /// </summary>
    private static async Task WriteAsync(HttpContext http, ToolOptions tool, string issuer, IReadOnlyList<string> dpopAlgorithms)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "max-age=300";
        Http.GetEndpoints.AllowAnyOrigin(response);
        await using var writer = new Utf8JsonWriter(response.Body, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("resource", tool.Resource);
        writer.WriteStartArray("authorization_servers");
        writer.WriteStringValue(issuer);
        writer.WriteEndArray();
        writer.WriteStartArray("scopes_supported");
        foreach (var scope in tool.Scopes)
        {
            writer.WriteStringValue(scope);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("bearer_methods_supported");
        writer.WriteStringValue("header");
        writer.WriteEndArray();
        writer.WriteStartArray("dpop_signing_alg_values_supported");
        foreach (var algorithm in dpopAlgorithms)
        {
            writer.WriteStringValue(algorithm);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("dpop_bound_access_tokens_required", false);
        writer.WriteString("resource_name", tool.Name);
        writer.WriteEndObject();
        await writer.FlushAsync(http.RequestAborted);
    }
}
