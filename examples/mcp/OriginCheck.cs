using Mandate.Mcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Examples.Mcp;

/// <summary>
/// Streamable HTTP §Security Warning: the MCP endpoint validates <c>Origin</c> on every request (POST, GET and DELETE),
/// before the credential, with the rule the Mandate gateway applies (<see cref="McpOriginPolicy"/>). Allowed: no
/// <c>Origin</c>, this server's resource origin, the loopback origins of its own listen addresses, and
/// <see cref="PaymentsMcpOptions.AllowedOrigins"/>. Anything else is a 403 with a JSON-RPC error.
/// </summary>
internal static class OriginCheck
{
    public static void UseMcpOriginCheck(this WebApplication app, PaymentsMcpOptions options)
    {
        // Built on the first request: with port 0 the listen addresses are known only once the server has started.
        var policy = new Lazy<McpOriginPolicy>(() => Build(app, options));
        app.UseWhen(http => IsMcpEndpoint(http.Request.Path, options.McpPath), branch => branch.Use(async (http, next) =>
        {
            if (policy.Value.Check(http.Request.Headers.Origin) is not { } refused)
            {
                await next(http);
                return;
            }

            var response = http.Response;
            response.StatusCode = refused.HttpStatus;
            response.ContentType = JsonRpcErrorWriter.ContentType;
            response.Headers.CacheControl = "no-store";
            await response.Body.WriteAsync(JsonRpcErrorWriter.Write(refused), http.RequestAborted);
        }));
    }

    // Protected resource metadata stays readable cross-origin: browser-based clients fetch it (it is served with CORS).
    private static bool IsMcpEndpoint(PathString path, string mcpPath) =>
        !path.StartsWithSegments("/.well-known", StringComparison.OrdinalIgnoreCase)
        && (mcpPath == "/" || path.StartsWithSegments(mcpPath, StringComparison.OrdinalIgnoreCase));

    private static McpOriginPolicy Build(WebApplication app, PaymentsMcpOptions options)
    {
        var listening = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var loopback = listening
            .Select(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) ? uri : null)
            .OfType<Uri>()
            .SelectMany(McpOriginPolicy.LoopbackOrigins);
        return new McpOriginPolicy([options.Resource, .. loopback, .. options.AllowedOrigins]);
    }
}
