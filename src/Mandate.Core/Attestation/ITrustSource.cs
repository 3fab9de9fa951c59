namespace Mandate.Core.Attestation;

/// <summary>
/// Supplies issuers whose tokens attest users or workloads (configured issuers, Mandate's own SPIFFE issuer).
/// The attestor trusts the union of every registered source, keyed by issuer; register one with
/// <c>AddMandate(...).AddTrustSource&lt;T&gt;()</c>.
/// </summary>
public interface ITrustSource
{
    /// <summary>The issuers this source vouches for, each with its key source and required audience.</summary>
    IEnumerable<TrustedIssuer> Issuers { get; }
}
