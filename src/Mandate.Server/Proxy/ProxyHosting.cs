using Mandate.Core.Secrets;
using Mandate.Server.Hosting;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Proxy;

/// <summary>Wires the vault and the egress proxy into the broker.</summary>
public static class ProxyHosting
{
    /// <summary>Registers the vault (always: the admin API manages it) and the proxy's parts.</summary>
    public static IServiceCollection AddEgressProxy(this IServiceCollection services, MandateRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        services.AddSingleton(runtime.Kek);
        services.AddSingleton<SecretVault>();
        services.AddSingleton<ProxyGrantingRules>();
        services.AddSingleton<ProxySenderConstraint>();
        services.AddSingleton<ProxyCredentialResolver>();
        services.AddSingleton<ProxyForwarder>();
        services.AddSingleton<ProxyAudit>();
        services.AddSingleton<EgressProxy>();
        return services;
    }

    /// <summary>
    /// Sends requests from the proxy listener to the proxy, first in the pipeline, so the broker's exception
    /// and status-code pages never rewrite an upstream's answer.
    /// </summary>
    public static void UseEgressProxy(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var proxy = app.Services.GetRequiredService<EgressProxy>();
        app.MapWhen(ProxyListener.IsProxyConnection, branch =>
        {
            // The branch never reaches the broker's pipeline, so it translates a store outage itself (in the proxy's shape).
            branch.UseStoreOutages();
            branch.Run(proxy.HandleAsync);
        });
    }
}
