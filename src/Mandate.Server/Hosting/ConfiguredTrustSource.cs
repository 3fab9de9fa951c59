using Mandate.Core.Attestation;
using Mandate.Core.Configuration;

namespace Mandate.Server.Hosting;

/// <summary>The issuers named in configuration (<c>issuers:</c>), each with its JWKS file or URL.</summary>
internal sealed class ConfiguredTrustSource : ITrustSource
{
    public ConfiguredTrustSource(MandateOptions options, IHttpClientFactory http, TimeProvider time)
    {
        Issuers = [.. options.Issuers.Select(i => new TrustedIssuer(i, Keys(i, http, time), i.Audience ?? options.Issuer)
        {
            DefaultTrustDomain = options.TrustDomain,
        })];
    }

    public IEnumerable<TrustedIssuer> Issuers { get; }

    private static IJwksSource Keys(TrustedIssuerOptions issuer, IHttpClientFactory http, TimeProvider time) =>
        issuer.JwksFile is not null
            ? new FileJwksSource(issuer.JwksFile, time)
            : new UrlJwksSource(issuer.JwksUrl!, http.CreateClient("jwks"), time, issuer.JwksRefresh, issuer.JwksMinRefreshInterval);
}
