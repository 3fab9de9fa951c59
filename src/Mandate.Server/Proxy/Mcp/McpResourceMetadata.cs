using System.Text.Json;
using Mandate.Core.Configuration;
using Mandate.SenderConstraint;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Proxy.Mcp;

/// <summary>
/// RFC 9728 protected resource metadata for each MCP server behind the gateway, served on the proxy listener, and the
/// RFC 6750 challenge that points to it. The metadata URL is built from the tool's <c>resource</c> as RFC 9728 §3.1
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
    /// The <c>WWW-Authenticate</c> value of a 401 (MCP authorization §Protected Resource Metadata Discovery, RFC 9728
    /// §5.1): <c>resource_metadata</c> and the scopes to ask for, plus <c>error="invalid_token"</c> when a credential was
    /// presented (RFC 6750 §3.1: no error code when the request carried none).
    /// </summary>
    public static string Challenge(ToolOptions tool, bool credentialPresented)
    {
        var challenge = $"Bearer resource_metadata=\"{Url(tool)}\"";
        if (tool.Scopes.Count > 0)
        {
            challenge += $", scope=\"{OAuthErrorText.Sanitize(string.Join(' ', tool.Scopes))}\"";
        }

        return credentialPresented ? challenge + ", error=\"invalid_token\"" : challenge;
    }

    /// <summary>
    /// The <c>WWW-Authenticate</c> value of a 403 for a credential without a tool's scopes (RFC 6750 §3.1, MCP
    /// authorization §Scope Challenge Handling): every scope the call needs, so a client can step up.
    /// </summary>
    public static string InsufficientScope(ToolOptions tool, IEnumerable<string> needed, string description) =>
        $"Bearer resource_metadata=\"{Url(tool)}\", scope=\"{OAuthErrorText.Sanitize(string.Join(' ', needed))}\", "
        + $"error=\"insufficient_scope\", error_description=\"{OAuthErrorText.Sanitize(description)}\"";

    /// <summary>The MCP tool whose metadata path is <paramref name="path"/> (below the well-known prefix), or null.</summary>
    public static ToolOptions? Find(IEnumerable<ToolOptions> tools, string path) =>
        tools.FirstOrDefault(t => t.Mcp is not null && t.Upstream is not null && Uri.TryCreate(t.Resource, UriKind.Absolute, out var r)
            && string.Equals(r.AbsolutePath.TrimEnd('/'), path, StringComparison.Ordinal));

    /// <summary>Whether the request is for a metadata document (public, served without a credential or an audit record).</summary>
    public static bool IsMetadataRequest(HttpRequest request) =>
        request.Path.StartsWithSegments(WellKnown, StringComparison.Ordinal);

    /// <summary>GET (or HEAD) <c>/.well-known/oauth-protected-resource{resource path}</c>: the document, or a 404/405 problem.</summary>
    public static async Task ServeAsync(HttpContext http, IReadOnlyList<ToolOptions> tools, string issuer)
    {
        var raw = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? "";
        var path = raw.StartsWith(WellKnown, StringComparison.Ordinal) && !raw.Contains('?', StringComparison.Ordinal) ? raw[WellKnown.Length..].TrimEnd('/') : null;
        var tool = path is null || (path.Length > 0 && path[0] != '/') ? null : Find(tools, path);
        if (tool is null)
        {
            await ProxyProblem.WriteAsync(http, ProxyRefusal.NotFound(McpGatewayChecks.MetadataUnknown, "no MCP server behind this gateway has protected resource metadata at this path; it is /.well-known/oauth-protected-resource followed by the path of the tool's resource"));
            return;
        }

        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            var refusal = new ProxyRefusal(StatusCodes.Status405MethodNotAllowed, "method not allowed", "protected resource metadata is read with GET") { CheckId = McpGatewayChecks.MethodNotAllowed };
            await ProxyProblem.WriteAsync(http, refusal, h => h.Allow = "GET, HEAD");
            return;
        }

        await WriteAsync(http, tool, issuer);
    }

    /// <summary>Writes the document: resource, the authorization server (Mandate's issuer), scopes and how to send the credential.</summary>
    private static async Task WriteAsync(HttpContext http, ToolOptions tool, string issuer)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "max-age=300";
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
        writer.WriteString("resource_name", tool.Name);
        writer.WriteEndObject();
        await writer.FlushAsync(http.RequestAborted);
    }
}
