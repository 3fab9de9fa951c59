using Mandate.Core.Attestation;
using Mandate.Core.Configuration;

namespace Mandate.Server.Hosting;

/// <summary>Builds the trusted issuers with their key sources from configuration.</summary>
internal static class TrustedIssuers
{
    public static List<TrustedIssuer> Create(MandateOptions options, IHttpClientFactory http) =>
        options.Issuers.Select(i => new TrustedIssuer(
            i,
            i.JwksFile is not null ? new FileJwksSource(i.JwksFile) : new UrlJwksSource(i.JwksUrl!, http.CreateClient("jwks"), TimeProvider.System),
            i.Audience ?? options.Issuer)).ToList();
}
