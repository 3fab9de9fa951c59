using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Core.Attestation.Profiles;

/// <summary>
/// Maps the claims of a token whose signature, issuer, audience, algorithm and lifetime were already
/// validated to the workload's SPIFFE ID, or refuses with a client-safe reason (never token contents).
/// </summary>
internal interface IIdentityProfile
{
    /// <summary>The name written in issuers[].profile and recorded in audit evidence.</summary>
    string Name { get; }

    ProfileMapping Map(JsonWebToken jwt, TrustedIssuer issuer, string parameter);
}
