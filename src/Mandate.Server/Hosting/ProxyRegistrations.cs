using Mandate.Core.Secrets;
using Mandate.Server.Proxy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>The vault (always: the admin API manages it) and the egress proxy's parts.</summary>
internal static class ProxyRegistrations
{
    public static void Add(IServiceCollection services)
    {
        services.TryAddSingleton<SecretVault>();
        services.TryAddSingleton<ProxyGrantingRules>();
        services.TryAddSingleton<ProxySenderConstraint>();
        services.TryAddSingleton<ProxyCredentialResolver>();
        services.AddHttpForwarder();
        // Every forwarding outcome becomes the proxy's own refusal, audit record and log line; YARP's lines would
        // repeat each call's URL with its query string and log a stack trace whenever an agent hangs up.
        services.AddLogging(logging => logging.AddFilter("Yarp.ReverseProxy", LogLevel.Error));
        services.TryAddSingleton<ProxyForwarder>();
        services.TryAddSingleton<ProxyAudit>();
        services.TryAddSingleton<Proxy.Mcp.McpUpstreamCredentials>();
        services.TryAddSingleton<Proxy.Mcp.McpAudit>();
        services.TryAddSingleton<Proxy.Mcp.McpSessions>();
        services.TryAddSingleton<Proxy.Mcp.McpCallAuthorization>();
        services.TryAddSingleton<Proxy.Mcp.McpUpstreamRelay>();
        services.TryAddSingleton<Proxy.Mcp.McpGateway>();
        services.TryAddSingleton<EgressProxy>();
    }
}
