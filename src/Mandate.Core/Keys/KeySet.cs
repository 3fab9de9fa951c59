using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Keys;

/// <summary>
/// One immutable view of a purpose's keys: the key this node signs with now, every public key that may
/// still verify something it signed (this node's and other nodes'), that set as a JWKS document, and every
/// stored row of the purpose. Swapped atomically on rotation.
/// </summary>
public sealed record KeySet(SigningKey Active, IReadOnlyList<JsonWebKey> Published, string JwksJson, IReadOnlyList<StoredKey> Stored)
{
    /// <summary>When the ring must next act (create the next key, switch to it, retire the old one): until then this set stands.</summary>
    public DateTimeOffset ActAt { get; init; } = DateTimeOffset.MaxValue;

    /// <summary>Public keys by kid, for verifying Mandate's own tokens. Computed at construction: build a new KeySet rather than copy one with <c>with</c>.</summary>
    public IReadOnlyDictionary<string, JsonWebKey> ByKid { get; } =
        Published.Where(k => k.KeyId is not null).ToDictionary(k => k.KeyId, StringComparer.Ordinal);

    /// <summary>RFC 7517 §5: one JWKS document of both sets' published keys (the ES256 and RS256 token keys at one <c>jwks_uri</c>).</summary>
    public static string MergeJwks(KeySet first, KeySet second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var a = Keys(first.JwksJson);
        var b = Keys(second.JwksJson);
        return "{\"keys\":[" + a + (a.Length > 0 && b.Length > 0 ? "," : "") + b + "]}";
    }

    // The key objects between the brackets of a JWKS as KeyRing writes it: {"keys":[...]}.
    private static string Keys(string jwks) => jwks["{\"keys\":[".Length..^"]}".Length];
}
