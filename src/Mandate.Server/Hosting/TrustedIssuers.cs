using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Spiffe;

namespace Mandate.Server.Hosting;

/// <summary>Builds the trusted issuers with their key sources from configuration.</summary>
internal static class TrustedIssuers
{
    public static List<TrustedIssuer> Create(MandateOptions options, IHttpClientFactory http, TimeProvider time, SpiffeAuthority? spiffe = null)
    {
        var issuers = options.Issuers.Select(i => new TrustedIssuer(i, Keys(i, http, time), i.Audience ?? options.Issuer)
        {
            DefaultTrustDomain = options.TrustDomain,
        }).ToList();
        if (spiffe is not null)
        {
            // Mandate's own JWT-SVIDs are workload identity tokens addressed to Mandate; config already refuses a clashing issuer.
            issuers.Add(new TrustedIssuer(
                new TrustedIssuerOptions { Name = "mandate-spiffe", Kind = IssuerKind.Workload, Issuer = spiffe.JwtIssuer, Types = ["JWT"] },
                new SpiffeJwksSource(spiffe),
                options.Issuer)
            {
                DefaultTrustDomain = options.TrustDomain,
            });
        }

        return issuers;
    }

    private static IJwksSource Keys(TrustedIssuerOptions issuer, IHttpClientFactory http, TimeProvider time) =>
        issuer.JwksFile is not null
            ? new FileJwksSource(issuer.JwksFile, time)
            : new UrlJwksSource(issuer.JwksUrl!, http.CreateClient("jwks"), time, issuer.JwksRefresh, issuer.JwksMinRefreshInterval);
}
