using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Core.Attestation.Profiles;

/// <summary>Reads a top-level claim as text: strings as they are, numbers and booleans as JSON writes them; anything else is absent.</summary>
internal static class ClaimText
{
    private static readonly HashSet<string> ScalarTypes =
    [
        ClaimValueTypes.String, ClaimValueTypes.Boolean, ClaimValueTypes.Integer, ClaimValueTypes.Integer32,
        ClaimValueTypes.Integer64, ClaimValueTypes.UInteger32, ClaimValueTypes.UInteger64, ClaimValueTypes.Double,
    ];

    public static string? Read(JsonWebToken jwt, string name)
    {
        // Objects and arrays are not values a rule or a SPIFFE path can compare; treat them as missing
        // (TryGetClaim alone would hand back an array's first element and let ["evil", "push"] pass as "push").
        try
        {
            if (jwt.TryGetPayloadValue<System.Text.Json.JsonElement>(name, out var element)
                && element.ValueKind is System.Text.Json.JsonValueKind.Array or System.Text.Json.JsonValueKind.Object)
            {
                return null;
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.Text.Json.JsonException)
        {
            // Scalars cannot be read as a JsonElement on every IdentityModel path; they are handled below.
        }

        return jwt.TryGetClaim(name, out var claim) && ScalarTypes.Contains(claim.ValueType) ? claim.Value : null;
    }
}
