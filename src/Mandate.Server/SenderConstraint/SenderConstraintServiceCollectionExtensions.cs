using System.Security.Cryptography;
using Mandate.Core.Attestation;
using Mandate.SenderConstraint;
using Mandate.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.SenderConstraint;

/// <summary>Registers X.509-SVID client authentication and DPoP for the OAuth endpoints.</summary>
public static class SenderConstraintServiceCollectionExtensions
{
    public static IServiceCollection AddSenderConstraint(this IServiceCollection services, MandateRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var options = runtime.Options.SenderConstraint;
        // With Mandate as the SPIFFE CA, SVIDs it issued authenticate without a bundle file for its own domain.
        var spiffe = runtime.Spiffe;
        services.AddSingleton(new X509SvidValidator(
            options.X509TrustBundles,
            runtime.Time,
            runtime.Options.TrustDomain,
            spiffe is null ? null : () => [.. spiffe.Current.BundleCertificates]));
        services.AddSingleton<ClientCertificateAuthenticator>();
        // One validator per process: its replay cache must see every proof this node accepts.
        services.AddSingleton(new DpopProofValidator(
            new DpopValidationOptions { AllowedAlgorithms = options.Dpop.AllowedAlgorithms.ToArray(), IatWindow = options.Dpop.IatWindow },
            runtime.Time));
        // Nonces are HMACs of the time step under a per-process secret: no state, nothing to store. A nonce
        // from another node is refused with use_dpop_nonce and a fresh one, so the client retries once.
        services.AddSingleton(new DpopNonces(RandomNumberGenerator.GetBytes(32), runtime.Time, options.Dpop.NonceLifetime));
        services.AddSingleton<TokenRequestBinding>();
        return services;
    }
}
