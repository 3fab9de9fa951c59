using Mandate.Core.Configuration;
using Mandate.Server.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mandate.Server.Hosting;

/// <summary>
/// Applies <c>limits:</c> to a Kestrel server and its TCP listeners. Kestrel's timeouts and body rate are server-wide,
/// so they also hold on the admin and workload Unix sockets (whose bodies have their own, smaller caps). Its connection
/// cap is server-wide too, so a flood on one port would lock people out of the others and of the admin socket: each
/// TCP listener counts its own connections instead.
/// </summary>
internal static class ListenerLimits
{
    /// <summary>Sets the slow-client timeouts and the minimum body rate on <paramref name="kestrel"/>.</summary>
    public static void Apply(KestrelServerLimits kestrel, LimitOptions limits)
    {
        kestrel.RequestHeadersTimeout = limits.RequestHeadersTimeout;
        kestrel.KeepAliveTimeout = limits.KeepAliveTimeout;
        kestrel.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyBytesPerSecond, limits.MinRequestBodyGrace);
    }

    /// <summary>
    /// Caps the open connections of <paramref name="listen"/> at <c>limits.max_connections</c>. Call it before any other
    /// connection middleware (TLS): a connection over the cap is closed before its handshake costs anything.
    /// </summary>
    public static void CapConnections(ListenOptions listen, LimitOptions limits, string listener)
    {
        var open = 0;
        var tag = ListenerMetrics.Listener(listener);
        listen.Use(next => async connection =>
        {
            if (Interlocked.Increment(ref open) > limits.MaxConnections)
            {
                // As Kestrel's own cap does: the connection is closed without an answer (nothing could be sent before TLS).
                Interlocked.Decrement(ref open);
                ListenerMetrics.ConnectionRejected(tag);
                return;
            }

            try
            {
                await next(connection);
            }
            finally
            {
                Interlocked.Decrement(ref open);
            }
        });
    }
}
