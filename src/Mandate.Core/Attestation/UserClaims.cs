using System.Text.Json;
using Mandate.Policy.Expressions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Attestation;

/// <summary>
/// Extracts a validated user token's claims for policy conditions (<c>user.claims.tier</c>). Registered JWT
/// claims are left out (policy sees them as <c>user.id</c>, <c>user.tenant</c>), and so are claims beyond a
/// bound, so a large token cannot make every decision slow. They are read the first time a condition asks for
/// them: most policies never do, and then no exchange pays for reading the token a second time.
/// </summary>
internal static class UserClaims
{
    private const int MaxClaims = 64;
    private static readonly HashSet<string> Registered = new(StringComparer.Ordinal) { "iss", "sub", "aud", "exp", "nbf", "iat", "jti" };

    public static IReadOnlyDictionary<string, object?> From(JsonWebToken jwt) => new Deferred(jwt);

    private static Dictionary<string, object?> Read(JsonWebToken jwt)
    {
        var claims = new Dictionary<string, object?>(StringComparer.Ordinal);
        try
        {
            // The UTF-8 bytes as signed, parsed as they are: invalid UTF-8 fails the parse rather than being replaced.
            using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
            foreach (var property in payload.RootElement.EnumerateObject())
            {
                if (claims.Count >= MaxClaims)
                {
                    break;
                }

                if (!Registered.Contains(property.Name))
                {
                    claims[property.Name] = CelValues.FromJson(property.Value);
                }
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException or InvalidOperationException)
        {
            // The signature already verified; a payload we cannot re-read (e.g. a name escaping an unpaired surrogate)
            // yields no claims for conditions, so a condition over them fails closed.
        }

        return claims;
    }

    /// <summary>The claims, read once, by whichever thread asks first (an identity may be cached and shared).</summary>
    private sealed class Deferred(JsonWebToken jwt) : IReadOnlyDictionary<string, object?>
    {
        // The factory, and with it the token, is released once the claims are read.
        private readonly Lazy<Dictionary<string, object?>> _claims = new(() => Read(jwt));

        public int Count => _claims.Value.Count;

        public IEnumerable<string> Keys => _claims.Value.Keys;

        public IEnumerable<object?> Values => _claims.Value.Values;

        public object? this[string key] => _claims.Value[key];

        public bool ContainsKey(string key) => _claims.Value.ContainsKey(key);

        public bool TryGetValue(string key, out object? value) => _claims.Value.TryGetValue(key, out value);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _claims.Value.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
