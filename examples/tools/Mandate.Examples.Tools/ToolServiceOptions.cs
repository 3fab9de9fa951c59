using Mandate.ResourceServer;

namespace Mandate.Examples.Tools;

/// <summary>How to start one example tool service.</summary>
public sealed record ToolServiceOptions
{
    /// <summary>Which tool.</summary>
    public required ToolKind Tool { get; init; }

    /// <summary>The broker's issuer (its <c>issuer</c> setting).</summary>
    public required string Issuer { get; init; }

    /// <summary>Where the broker is reachable when that is not the issuer (e.g. a broker on port 0).</summary>
    public Uri? BrokerAddress { get; init; }

    /// <summary>Listen URL; default http://127.0.0.1:0 (any free port).</summary>
    public string Url { get; init; } = "http://127.0.0.1:0";

    /// <summary>
    /// Revocation checks at the broker. Default: on every request with <see cref="Identity"/> when that is set,
    /// otherwise none (signature and expiry only; in-process tests that study that trade-off).
    /// </summary>
    public MandateIntrospectionOptions? Introspection { get; init; }

    /// <summary>The tool's own workload identity, with which it asks the broker whether a credential is still active.</summary>
    public ToolIdentity? Identity { get; init; }

    /// <summary>Tenants the service serves; default any.</summary>
    public IReadOnlyList<string>? Tenants { get; init; }

    /// <summary>The clock (tests pass a manual one).</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>
    /// Serve HTTPS with this certificate and accept (not require) client certificates, so certificate-bound
    /// credentials (cnf x5t#S256, RFC 8705) can be checked. <see cref="Url"/> must then be https.
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ServerCertificate { get; init; }

    /// <summary>Extra logging set-up (tests add a capturing provider).</summary>
    public Action<Microsoft.Extensions.Logging.ILoggingBuilder>? Logging { get; init; }

    /// <summary>Further handler settings, applied last.</summary>
    public Action<MandateTokenOptions>? Configure { get; init; }

    /// <summary>More endpoints, mapped after the tool's own (tests add ones that read a form body).</summary>
    public Action<Microsoft.AspNetCore.Routing.IEndpointRouteBuilder>? Endpoints { get; init; }
}
