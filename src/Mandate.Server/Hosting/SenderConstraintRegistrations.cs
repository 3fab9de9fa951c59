using System.Security.Cryptography;
using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Spiffe;
using Mandate.SenderConstraint;
using Mandate.Server.SenderConstraint;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mandate.Server.Hosting;

/// <summary>X.509-SVID client authentication and DPoP for the OAuth endpoints.</summary>
internal static class SenderConstraintRegistrations
{
    public static void Add(IServiceCollection services, MandateOptions options, TimeProvider time)
    {
        var sender = options.SenderConstraint;
        // With Mandate as the SPIFFE CA, SVIDs it issued authenticate without a bundle file for its own domain.
        services.TryAddSingleton(sp =>
        {
            var spiffe = sp.GetService<SpiffeAuthority>();
            return new X509SvidValidator(
                sender.X509TrustBundles,
                time,
                options.TrustDomain,
                spiffe is null ? null : () => [.. spiffe.Current.BundleCertificates]);
        });
        services.TryAddSingleton<ClientCertificateAuthenticator>();
        // One validator per process: its replay cache must see every proof this node accepts.
        services.TryAddSingleton(_ => new DpopProofValidator(
            new DpopValidationOptions { AllowedAlgorithms = sender.Dpop.AllowedAlgorithms.ToArray(), IatWindow = sender.Dpop.IatWindow },
            time));
        // Nonces are HMACs of the time step under a per-process secret: no state, nothing to store. A nonce
        // from another node is refused with use_dpop_nonce and a fresh one, so the client retries once.
        services.TryAddSingleton(_ => new DpopNonces(RandomNumberGenerator.GetBytes(32), time, sender.Dpop.NonceLifetime));
        services.TryAddSingleton<TokenRequestBinding>();
    }
}
