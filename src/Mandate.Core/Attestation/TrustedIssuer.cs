using Mandate.Core.Configuration;

namespace Mandate.Core.Attestation;

/// <summary>A configured issuer with its key source and the audience Mandate requires of it.</summary>
public sealed record TrustedIssuer(TrustedIssuerOptions Options, IJwksSource Keys, string RequiredAudience);
