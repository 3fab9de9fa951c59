using Mandate.Core.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mandate.Server.Proxy;

/// <summary>
/// The proxy's own Kestrel listener. Connections accepted on it are marked, and the pipeline sends marked
/// requests to the proxy and nowhere else: the proxy port never reaches the OAuth or admin endpoints, and
/// the broker port never proxies.
/// </summary>
public sealed class ProxyListener
{
    private const string Marker = "mandate.egress-proxy";
    private ListenOptions? _listen;

    /// <summary>The bound address once Kestrel started (resolves port 0), or null when the proxy is disabled.</summary>
    public Uri? Address => _listen?.IPEndPoint is { } ep ? new Uri($"http://{ep}") : null;

    /// <summary>Adds the listener, with its own connection cap, when <c>proxy.listen</c> (or <paramref name="overrideUrl"/>) is set.</summary>
    public void Listen(KestrelServerOptions kestrel, ProxyOptions options, LimitOptions limits, string? overrideUrl)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(options);
        var url = overrideUrl ?? options.Listen;
        if (url is null)
        {
            return;
        }

        var address = Hosting.ListenAddress.Parse(url);
        kestrel.Listen(address.Address, address.Port, l =>
        {
            _listen = l;
            Hosting.ListenerLimits.CapConnections(l, limits, "proxy");
            l.Use(next => connection =>
            {
                connection.Items[Marker] = true;
                return next(connection);
            });
        });
    }

    internal static bool IsProxyConnection(HttpContext http) =>
        http.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(Marker) == true;
}
