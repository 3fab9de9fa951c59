using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Storage;

namespace Mandate.Core.Credentials.Federation;

/// <summary>
/// The key ring of federation ID tokens (profile <see cref="KeyProfiles.FederationSigning"/>): a purpose of its own,
/// never the access-token key, because every cloud accepts RS256 (Azure only RSA) while Mandate's tokens are
/// ES256. A key per node, created on first use and rotated on the token keys' schedule when next used
/// (<see cref="KeyRing.GetAsync"/>); all nodes' public keys are published together at <c>/federation/jwks</c>.
/// </summary>
public sealed class FederationKeyRing : KeyRing
{
    /// <summary>The JOSE algorithm of federation ID tokens.</summary>
    public const string Algorithm = "RS256";

    public FederationKeyRing(IMandateStore store, KeyEncryptionKey kek, MandateOptions options, TimeProvider time, Mandate.Core.Cluster.IClusterLocks? locks = null)
        : base(KeyProfiles.FederationSigning(options), store, kek, options?.Node ?? throw new ArgumentNullException(nameof(options)), time, locks)
    {
    }

    /// <summary>The issuer of federation tokens: Mandate's issuer plus <c>/federation</c>.</summary>
    public static string IssuerOf(MandateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Issuer.TrimEnd('/') + "/federation";
    }
}
