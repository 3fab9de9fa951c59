using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Spiffe;

namespace Mandate.Server.Hosting;

/// <summary>Builds the trusted issuers with their key sources from configuration.</summary>
internal static class TrustedIssuers
{
    public static List<TrustedIssuer> Create(MandateOptions options, IHttpClientFactory http, SpiffeAuthority? spiffe = null)
    {
        var issuers = options.Issuers.Select(i => new TrustedIssuer(
            i,
            i.JwksFile is not null ? new FileJwksSource(i.JwksFile) : new UrlJwksSource(i.JwksUrl!, http.CreateClient("jwks"), TimeProvider.System),
            i.Audience ?? options.Issuer)).ToList();
        if (spiffe is not null)
        {
            // Mandate's own JWT-SVIDs are workload identity tokens addressed to Mandate; config already refuses a clashing issuer.
            issuers.Add(new TrustedIssuer(
                new TrustedIssuerOptions { Name = "mandate-spiffe", Kind = IssuerKind.Workload, Issuer = spiffe.JwtIssuer, Types = ["JWT"] },
                new SpiffeJwksSource(spiffe),
                options.Issuer));
        }

        return issuers;
    }
}
