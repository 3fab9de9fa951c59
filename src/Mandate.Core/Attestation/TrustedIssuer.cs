using Mandate.Core.Configuration;

namespace Mandate.Core.Attestation;

/// <summary>A configured issuer with its key source and the audience Mandate requires of it.</summary>
public sealed record TrustedIssuer(TrustedIssuerOptions Options, IJwksSource Keys, string RequiredAudience)
{
    /// <summary>Mandate's own trust domain, used when the issuer names none (issuers[].trust_domain).</summary>
    public string? DefaultTrustDomain { get; init; }

    /// <summary>The trust domain this issuer speaks for; null only when neither the issuer nor Mandate names one.</summary>
    public string? TrustDomain => Options.TrustDomain ?? DefaultTrustDomain;
}
