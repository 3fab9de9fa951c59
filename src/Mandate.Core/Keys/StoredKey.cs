using Mandate.Core.Storage;

namespace Mandate.Core.Keys;

/// <summary>
/// A key as persisted: the private part sealed under the key-encryption key (AES-256-GCM), the public
/// part as a JWK. <see cref="RetiredAt"/> is when it stopped signing; <see cref="PublishUntil"/> is
/// when the last token it signed has expired, so it can leave the JWKS.
/// </summary>
public sealed record StoredKey : IStoreChange
{
    public required string Kid { get; init; }

    /// <summary>What the key is for, e.g. <c>token-signing</c>.</summary>
    public required string Purpose { get; init; }

    /// <summary>JOSE algorithm, e.g. <c>ES256</c>.</summary>
    public required string Algorithm { get; init; }

    /// <summary>nonce ‖ tag ‖ ciphertext of the PKCS#8 private key.</summary>
    public required byte[] SealedPrivateKey { get; init; }

    public required string PublicJwk { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RetiredAt { get; init; }
    public DateTimeOffset? PublishUntil { get; init; }

    /// <summary>The broker node that created the key.</summary>
    public required string Node { get; init; }
}
