using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mandate.ResourceServer;

/// <summary>Serves RFC 9728 protected resource metadata for a Mandate-protected service.</summary>
public static class MandateResourceMetadataExtensions
{
    private static readonly string[] GetAndHead = ["GET", "HEAD"];

    /// <summary>
    /// Maps <c>GET</c> and <c>HEAD /.well-known/oauth-protected-resource{path of the audience}</c> (RFC 9728 §3.1) and, when
    /// <paramref name="alsoAtRoot"/> and the audience has a path, the root form that MCP clients try next. The
    /// scheme's <see cref="MandateTokenOptions.Audience"/> must be an http(s) URL and
    /// <see cref="MandateTokenOptions.ResourceMetadata"/> must be set.
    /// </summary>
    public static IEndpointConventionBuilder MapMandateResourceMetadata(this IEndpointRouteBuilder endpoints, string scheme = MandateTokenDefaults.AuthenticationScheme, bool alsoAtRoot = true)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptionsMonitor<MandateTokenOptions>>().Get(scheme);
        var metadata = options.ResourceMetadata
            ?? throw new InvalidOperationException($"set MandateTokenOptions.ResourceMetadata for scheme '{scheme}' to publish protected resource metadata");
        var resource = ProtectedResourceMetadata.ResourceUri(options)
            ?? throw new InvalidOperationException($"protected resource metadata needs an http(s) audience without query or fragment; '{options.Audience}' is not one (RFC 9728 section 1.2)");

        var document = Serialize(options, metadata);
        var paths = new List<string> { ProtectedResourceMetadata.LocalPath(resource) };
        if (alsoAtRoot && paths[0] != ProtectedResourceMetadata.WellKnownPath)
        {
            paths.Add(ProtectedResourceMetadata.WellKnownPath);
        }

        var group = endpoints.MapGroup("");
        foreach (var path in paths)
        {
            // RFC 9110 §9.1: HEAD answers as GET does; the server sends no body for it.
            var exact = PathString.FromUriComponent(path);
            group.MapMethods(path, GetAndHead, (HttpContext http) =>
            {
                // RFC 9728 §3.3: resource is identical to the URL the document was fetched for; routing ignores case
                // and a trailing slash, so /MCP or /mcp/ (another resource) would get this resource's document.
                if (!string.Equals(http.Request.Path.Value, exact.Value, StringComparison.Ordinal))
                {
                    return Results.NotFound();
                }

                // Public metadata: browser-based MCP clients read it cross-origin.
                http.Response.Headers.AccessControlAllowOrigin = "*";
                http.Response.Headers.CacheControl = "max-age=300";
                return Results.Bytes(document, "application/json");
            });
        }

        // The document is how a client without a credential learns where to get one.
        return group.AllowAnonymous();
    }

    private static byte[] Serialize(MandateTokenOptions options, MandateResourceMetadataOptions metadata)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ProtectedResourceMetadata.Write(writer, options, metadata);
        }

        return buffer.ToArray();
    }
}
