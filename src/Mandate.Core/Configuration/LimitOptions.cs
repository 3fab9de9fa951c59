namespace Mandate.Core.Configuration;

/// <summary>
/// <c>limits:</c> what one client can hold of the broker: connections, the time a slow client keeps one, and the DPoP
/// replay cache. The defaults are Kestrel's own (today's behaviour) plus a connection cap (docs/configuration.md#limits).
/// </summary>
public sealed record LimitOptions
{
    /// <summary>
    /// Most open TCP connections on each listener: the OAuth listener, the proxy listener and the console each count
    /// their own, so a flood on one port does not lock people out of another. Default 10,000. Not the Unix sockets.
    /// </summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Longest a client may take to send a request's headers (also the request line). Default 30 s (Kestrel's).</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest an idle keep-alive connection is kept open. Default 130 s (Kestrel's; longer than a load balancer's usual 60 s idle timeout).</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(130);

    /// <summary>Slowest request body accepted, in bytes per second, once <see cref="MinRequestBodyGrace"/> has passed. Default 240 (Kestrel's).</summary>
    public int MinRequestBodyBytesPerSecond { get; init; } = 240;

    /// <summary>How long a request body may be slower than <see cref="MinRequestBodyBytesPerSecond"/> before it is cut. Default 5 s (Kestrel's).</summary>
    public TimeSpan MinRequestBodyGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Most DPoP proof ids remembered on a node with an embedded store (PostgreSQL keeps them in the shared store).
    /// When full of live proofs, new DPoP requests are refused until proofs age out. Default 100,000.
    /// </summary>
    public int DpopReplayCacheEntries { get; init; } = 100_000;
}
