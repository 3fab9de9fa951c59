using Mandate.Core.Attestation;
using Mandate.Core.Configuration;

namespace Mandate.Server.Hosting;

/// <summary>Builds the trusted issuers with their key sources from configuration.</summary>
internal static class TrustedIssuers
{
    public static List<TrustedIssuer> Create(MandateOptions options, IHttpClientFactory http, TimeProvider time) =>
        options.Issuers.Select(i => new TrustedIssuer(i, Keys(i, http, time), i.Audience ?? options.Issuer)
        {
            DefaultTrustDomain = options.TrustDomain,
        }).ToList();

    private static IJwksSource Keys(TrustedIssuerOptions issuer, IHttpClientFactory http, TimeProvider time) =>
        issuer.JwksFile is not null
            ? new FileJwksSource(issuer.JwksFile, time)
            : new UrlJwksSource(issuer.JwksUrl!, http.CreateClient("jwks"), time, issuer.JwksRefresh, issuer.JwksMinRefreshInterval);
}
