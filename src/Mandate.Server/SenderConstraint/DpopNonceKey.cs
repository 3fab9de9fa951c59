using Mandate.Core.Keys;
using Mandate.SenderConstraint;

namespace Mandate.Server.SenderConstraint;

/// <summary>
/// The DPoP nonce secret, derived from the key-encryption key rather than drawn per process: every node of a cluster
/// holds the same key-encryption key, so a nonce handed out by one node is accepted by every other.
/// </summary>
public static class DpopNonceKey
{
    /// <summary>The HKDF info label; changing it invalidates every nonce in circulation (clients retry once).</summary>
    public const string Purpose = "mandate/dpop-nonce/v1";

    /// <summary>Nonces under the secret derived from <paramref name="kek"/>.</summary>
    public static DpopNonces Create(KeyEncryptionKey kek, TimeProvider time, TimeSpan? step = null)
    {
        ArgumentNullException.ThrowIfNull(kek);
        return new DpopNonces(kek.DeriveKey(Purpose), time, step);
    }
}
