using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Core.Attestation.Profiles;

/// <summary>
/// JWT-SVID (SPIFFE JWT-SVID spec §3): <c>sub</c> is the workload's SPIFFE ID and must lie in the trust
/// domain the issuer speaks for, so one domain's SPIRE server cannot mint identities of another.
/// </summary>
internal sealed class JwtSvidProfile : IIdentityProfile
{
    public string Name => IssuerProfileNames.NameOf(IssuerProfile.JwtSvid);

    public ProfileMapping Map(JsonWebToken jwt, TrustedIssuer issuer, string parameter)
    {
        // A JWT-SVID names a workload: the bare trust domain ID (no path) is not one.
        if (!jwt.TryGetPayloadValue<string>("sub", out var sub) || !SpiffeId.TryGetWorkloadTrustDomain(sub, out var domain))
        {
            return ProfileMapping.Refuse($"{parameter} 'sub' is not a SPIFFE ID (spiffe://<trust-domain>/<path>); workload tokens must name the workload (issuer '{issuer.Options.Name}', profile jwt-svid)");
        }

        if (issuer.TrustDomain is { } expected && domain != expected)
        {
            // JWT-SVID §3: the trust domain of sub is the authority of the SVID's issuer; no other domain's IDs.
            return ProfileMapping.Refuse($"{parameter} names a workload outside the trust domain '{expected}' that issuer '{issuer.Options.Name}' speaks for; a workload of another trust domain needs its own issuer entry (issuers[].trust_domain)", AttestChecks.TrustDomain);
        }

        return ProfileMapping.To(sub);
    }
}
