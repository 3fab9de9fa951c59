using System.Text;
using System.Text.Json;
using Mandate.Policy.Expressions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Attestation;

/// <summary>
/// Extracts a validated user token's claims for policy conditions (<c>user.claims.tier</c>). Registered JWT
/// claims are left out (policy sees them as <c>user.id</c>, <c>user.tenant</c>), and so are claims beyond a
/// bound, so a large token cannot make every decision slow.
/// </summary>
internal static class UserClaims
{
    private const int MaxClaims = 64;
    private static readonly HashSet<string> Registered = new(StringComparer.Ordinal) { "iss", "sub", "aud", "exp", "nbf", "iat", "jti" };

    public static IReadOnlyDictionary<string, object?> From(JsonWebToken jwt)
    {
        var claims = new Dictionary<string, object?>(StringComparer.Ordinal);
        try
        {
            using var payload = JsonDocument.Parse(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload)));
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
}
