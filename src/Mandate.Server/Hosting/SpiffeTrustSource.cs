using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Spiffe;

namespace Mandate.Server.Hosting;

/// <summary>
/// Mandate's own JWT-SVIDs (when <c>spiffe.enabled</c>): workload identity tokens addressed to Mandate.
/// Configuration already refuses an issuer that clashes with this one.
/// </summary>
internal sealed class SpiffeTrustSource : ITrustSource
{
    public SpiffeTrustSource(MandateOptions options, SpiffeAuthority spiffe)
    {
        Issuers =
        [
            new TrustedIssuer(
                new TrustedIssuerOptions { Name = "mandate-spiffe", Kind = IssuerKind.Workload, Issuer = spiffe.JwtIssuer, Types = ["JWT"] },
                new SpiffeJwksSource(spiffe),
                options.Issuer)
            {
                DefaultTrustDomain = options.TrustDomain,
            },
        ];
    }

    public IEnumerable<TrustedIssuer> Issuers { get; }
}
