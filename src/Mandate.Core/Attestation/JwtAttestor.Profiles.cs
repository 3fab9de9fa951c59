using Mandate.Core.Attestation.Profiles;
using Mandate.Core.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Core.Attestation;

/// <summary>Maps validated workload tokens to SPIFFE IDs through the issuer's profile.</summary>
public sealed partial class JwtAttestor
{
    /// <summary>Runs after signature, issuer, audience, algorithm, lifetime and required claims were checked.</summary>
    private AttestationResult<WorkloadIdentity> MapWorkload(JsonWebToken jwt, TrustedIssuer issuer, IssuerProfile profile, string parameter)
    {
        var mapper = IdentityProfiles.For(profile);
        var mapping = mapper.Map(jwt, issuer, parameter);
        return mapping.SpiffeId is { } spiffeId
            ? new AttestationResult<WorkloadIdentity> { Identity = new WorkloadIdentity(spiffeId, Evidence(jwt, issuer, mapper.Name)) }
            : new AttestationResult<WorkloadIdentity> { Failure = mapping.Failure, Check = mapping.Check };
    }
}
