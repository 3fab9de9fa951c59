using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Proxy;

/// <summary>Puts the egress proxy in the request pipeline (its services are registered by <c>AddMandate</c>).</summary>
public static class ProxyHosting
{
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
