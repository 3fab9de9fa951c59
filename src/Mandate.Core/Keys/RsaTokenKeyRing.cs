using Mandate.Core.Configuration;
using Mandate.Core.Storage;

namespace Mandate.Core.Keys;

/// <summary>
/// The RS256 key ring of access tokens (profile <see cref="KeyProfiles.RsaTokenSigning"/>), for tools whose verifiers
/// accept only RSA (RFC 9068 §2.1). It exists only when a tool asks for <c>signing_alg: RS256</c>
/// (<see cref="IsWanted"/>), so a broker that needs no RSA key creates none and publishes the same JWKS as before.
/// Rotated beside <see cref="SigningKeyRing"/>; every node's live public keys are published with the ES256 keys.
/// </summary>
public sealed class RsaTokenKeyRing : KeyRing
{
    public RsaTokenKeyRing(IMandateStore store, KeyEncryptionKey kek, MandateOptions options, TimeProvider time, Mandate.Core.Cluster.IClusterLocks? locks = null)
        : base(KeyProfiles.RsaTokenSigning(options), store, kek, options?.Node ?? throw new ArgumentNullException(nameof(options)), time, locks)
    {
    }

    /// <summary>Whether some tool's access tokens are signed RS256, and so whether this ring exists.</summary>
    public static bool IsWanted(MandateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Tools.Any(t => t.SigningAlgorithm == TokenSigningAlgorithms.RS256);
    }
}
