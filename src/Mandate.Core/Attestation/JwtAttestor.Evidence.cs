using Mandate.Core.Attestation.Profiles;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Core.Attestation;

/// <summary>Attesting a poster of evidence (<c>POST /evidence</c>).</summary>
public sealed partial class JwtAttestor
{
    private const string Bearer = "the bearer token";

    /// <summary>
    /// Attests a poster of evidence: a token from an issuer of kind <c>ci</c>; its <c>sub</c> names the poster, and the claims
    /// its issuer's evidence_subjects read come with it, so the subject it posts for can be checked against them.
    /// </summary>
    public async Task<AttestationResult<EvidencePoster>> AttestEvidencePosterAsync(string token, CancellationToken cancellationToken)
    {
        if (!CompactJwt.TryRead(token, out var read))
        {
            return Unreadable<EvidencePoster>(token, Bearer);
        }

        var (jwt, issuer, failure) = await ValidateAsync(read, RememberedHash(token), IssuerKind.Ci, Bearer, cancellationToken);
        if (failure is not null)
        {
            return new AttestationResult<EvidencePoster> { Failure = failure.Value.Failure, Detail = failure.Value.Detail };
        }

        var identity = issuer!.Options.Profile is { } profile
            // A CI issuer with a profile names its poster the way it names workloads (e.g. spiffe://acme.example/ci/github/org/repo).
            ? MapWorkload(jwt!, issuer, profile, Bearer)
            : jwt!.TryGetPayloadValue<string>("sub", out var sub) && !string.IsNullOrEmpty(sub)
                ? new AttestationResult<WorkloadIdentity> { Identity = new WorkloadIdentity(sub, Evidence(jwt, issuer)) }
                : new AttestationResult<WorkloadIdentity> { Failure = "the bearer token has no 'sub' claim naming the poster" };
        return identity.Identity is { } poster
            ? new AttestationResult<EvidencePoster> { Identity = new EvidencePoster(poster, issuer.Options.EvidenceSubjects, SubjectClaims(jwt!, issuer)) }
            : new AttestationResult<EvidencePoster> { Failure = identity.Failure, Detail = identity.Detail, Check = identity.Check };
    }

    private static Dictionary<string, string> SubjectClaims(JsonWebToken jwt, TrustedIssuer issuer)
    {
        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in issuer.Options.EvidenceSubjects)
        {
            if (!EvidenceSubjectTemplate.TryParse(text, out var template, out _))
            {
                continue;
            }

            foreach (var name in template!.Claims)
            {
                // Subjects name things like identities do: JSON strings only, never a number or an array's first element.
                if (!claims.ContainsKey(name) && ClaimText.ReadString(jwt, name) is { } value)
                {
                    claims[name] = value;
                }
            }
        }

        return claims;
    }
}
