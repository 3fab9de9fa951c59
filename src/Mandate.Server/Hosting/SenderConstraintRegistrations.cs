using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
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
        // One validator per process, over the replay guard every node shares (in memory for one node), so a proof
        // accepted on any node is refused on every node.
        services.TryAddSingleton(sp => new DpopProofValidator(
            new DpopValidationOptions { AllowedAlgorithms = sender.Dpop.AllowedAlgorithms.ToArray(), IatWindow = sender.Dpop.IatWindow },
            time,
            sp.GetRequiredService<IProofReplayGuard>()));
        // Nonces are HMACs of the time step under a secret derived from the key-encryption key: no state, nothing to
        // store, and every node holding the same key-encryption key accepts every node's nonces.
        services.TryAddSingleton(sp => DpopNonceKey.Create(sp.GetRequiredService<KeyEncryptionKey>(), time, sender.Dpop.NonceLifetime));
        services.TryAddSingleton<TokenRequestBinding>();
    }
}
