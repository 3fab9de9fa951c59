using Mandate.Core.Configuration;
using Mandate.Core.Storage;

namespace Mandate.Core.Keys;

/// <summary>
/// The key ring of access and run tokens (profile <see cref="KeyProfiles.TokenSigning"/>): ES256, a key per node,
/// rotated by the maintenance loop's <see cref="KeyRing.RefreshAsync"/>; every node's live public keys are
/// published together at <c>/.well-known/jwks.json</c>.
/// </summary>
public sealed class SigningKeyRing : KeyRing
{
    /// <summary>The purpose of these keys in the store.</summary>
    public const string Purpose = KeyPurposes.TokenSigning;

    public SigningKeyRing(IMandateStore store, KeyEncryptionKey kek, MandateOptions options, TimeProvider time, Mandate.Core.Cluster.IClusterLocks? locks = null)
        : base(KeyProfiles.TokenSigning(options), store, kek, options?.Node ?? throw new ArgumentNullException(nameof(options)), time, locks)
    {
    }
}
