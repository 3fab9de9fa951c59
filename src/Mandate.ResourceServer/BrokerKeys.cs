using System.Text.Json;
using Mandate.SenderConstraint.Jose;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.ResourceServer;

/// <summary>One fetched JWKS: the broker's signing keys that have a kid and are allowed for verification.</summary>
internal sealed record BrokerKeys(IReadOnlyList<JsonWebKey> Keys, DateTimeOffset FetchedAt) : IBrokerDocument
{
    public int Count => Keys.Count;

    public JsonWebKey? Find(string kid) => Keys.FirstOrDefault(k => string.Equals(k.KeyId, kid, StringComparison.Ordinal));

    public bool Lacks(string wanted) => Find(wanted) is null;

    /// <exception cref="ArgumentException">Not a JWK set.</exception>
    public static BrokerKeys Parse(JsonElement json, DateTimeOffset now)
    {
        var set = new JsonWebKeySet(json.GetRawText());
        // Keys with a kid only: the broker names the key of every credential it signs.
        return new BrokerKeys(set.Keys.Where(k => !string.IsNullOrEmpty(k.KeyId) && VerificationKeyRule.Allows(k)).ToList(), now);
    }
}
