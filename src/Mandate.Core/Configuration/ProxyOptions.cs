namespace Mandate.Core.Configuration;

/// <summary>
/// The egress injection proxy (<c>proxy:</c> in mandate.yaml): a separate listener through which agents
/// call tools; Mandate checks the agent's credential and injects the tool's secret on the way out.
/// </summary>
public sealed record ProxyOptions
{
    /// <summary>Kestrel URL of the proxy listener, e.g. <c>http://127.0.0.1:8081</c>. Null (the default) disables the proxy.</summary>
    public string? Listen { get; init; }

    /// <summary>Largest request body forwarded, in bytes. Default 1 MiB.</summary>
    public long MaxRequestBody { get; init; } = 1024 * 1024;

    /// <summary>Largest response body relayed, in bytes; null (the default) relays any size, streamed.</summary>
    public long? MaxResponseBody { get; init; }

    /// <summary>Whole-call timeout towards the upstream (connect, send, response headers and body). Default 30 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout for opening a TCP/TLS connection to the upstream. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The origin agents reach the proxy at (<c>proxy.public_origin</c>, e.g. <c>https://proxy.acme.example</c>), when a TLS
    /// terminator or load balancer stands in front of it: a DPoP proof's <c>htu</c> is compared with this origin and the
    /// request's path, never with the <c>Host</c> the request arrived with. Null (the default): the request's own scheme
    /// and <c>Host</c>, fit for a loopback or development proxy that agents call directly.
    /// </summary>
    public Uri? PublicOrigin { get; init; }

    public bool Enabled => Listen is not null;
}
