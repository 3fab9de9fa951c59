using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.ResourceServer;

/// <summary>Protects an MCP server's endpoints with Mandate credentials and per-tool scopes.</summary>
public static class MandateMcpExtensions
{
    /// <summary>
    /// <c>app.MapMcp("/mcp").RequireMandateToolScopes(o => o.Require("refund", "refunds:write"))</c>: every request
    /// needs a Mandate credential for this service (401 with <c>resource_metadata</c> otherwise), and each
    /// <c>tools/call</c> needs the scopes its tool is mapped to (403 <c>insufficient_scope</c> otherwise), checked
    /// before the MCP server reads the request.
    /// </summary>
    public static TBuilder RequireMandateToolScopes<TBuilder>(this TBuilder builder, Action<MandateMcpToolScopeOptions> configure)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new MandateMcpToolScopeOptions();
        configure(options);
        if (options.MaxBodyBytes <= 0)
        {
            throw new ArgumentException("MaxBodyBytes must be positive", nameof(configure));
        }

        builder.RequireAuthorization(policy => policy.AddAuthenticationSchemes(options.Scheme).RequireMandateTenant());
        // Finally: after the MCP SDK has set the endpoint's handler, so the gate wraps the handler that reads the body.
        builder.Finally(endpoint =>
        {
            var inner = endpoint.RequestDelegate
                ?? throw new InvalidOperationException($"endpoint '{endpoint.DisplayName}' has no request handler to protect");
            var gate = new McpToolScopeGate(options, endpoint.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger<McpToolScopeGate>());
            endpoint.RequestDelegate = http => gate.InvokeAsync(http, inner);
        });
        return builder;
    }
}
