using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Keys;

/// <summary>
/// One immutable view of the keys: the key this node signs with now, and every public key that may
/// still verify a live token (this node's and other nodes'). Swapped atomically on rotation.
/// </summary>
public sealed record KeySet(SigningKey Active, IReadOnlyList<JsonWebKey> Published, string JwksJson)
{
    /// <summary>Public keys by kid, for verifying Mandate's own tokens. Computed at construction: build a new KeySet rather than copy one with <c>with</c>.</summary>
    public IReadOnlyDictionary<string, JsonWebKey> ByKid { get; } =
        Published.Where(k => k.KeyId is not null).ToDictionary(k => k.KeyId, StringComparer.Ordinal);
}
