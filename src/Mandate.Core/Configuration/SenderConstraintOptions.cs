namespace Mandate.Core.Configuration;

/// <summary>
/// Mutual TLS, X.509-SVID trust bundles and DPoP (docs/sender-constraint.md): how workloads may
/// authenticate with certificates and how issued credentials are bound to their holder.
/// </summary>
public sealed record SenderConstraintOptions
{
    /// <summary>The listener's TLS certificate; null means plain http (no mTLS, no certificate-bound tokens).</summary>
    public TlsOptions? Tls { get; init; }

    /// <summary>CA certificates per trust domain that X.509-SVIDs must chain to. Empty: client certificates are ignored.</summary>
    public IReadOnlyList<X509TrustBundleOptions> X509TrustBundles { get; init; } = [];

    /// <summary>DPoP proof settings (RFC 9449).</summary>
    public DpopOptions Dpop { get; init; } = new();
}
