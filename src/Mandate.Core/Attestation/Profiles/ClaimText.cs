using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Core.Attestation.Profiles;

/// <summary>
/// Reads a top-level claim as text. <see cref="Read"/> is for conditions (required_claims): strings as they are,
/// numbers and booleans as JSON writes them. <see cref="ReadString"/> is for values that become identities: JSON
/// strings only, never converted.
/// </summary>
internal static class ClaimText
{
    private static readonly HashSet<string> ScalarTypes =
    [
        ClaimValueTypes.String, ClaimValueTypes.Boolean, ClaimValueTypes.Integer, ClaimValueTypes.Integer32,
        ClaimValueTypes.Integer64, ClaimValueTypes.UInteger32, ClaimValueTypes.UInteger64, ClaimValueTypes.Double,
    ];

    private static readonly HashSet<string> StringType = [ClaimValueTypes.String];

    /// <summary>The claim when it is a JSON string; a number, boolean, array or object is absent (RFC 7519 §4.1 identity claims are strings).</summary>
    public static string? ReadString(JsonWebToken jwt, string name) => ReadTyped(jwt, name, StringType);

    /// <summary>The claim as text for a condition: a string as is, a number or boolean as JSON writes it.</summary>
    public static string? Read(JsonWebToken jwt, string name) => ReadTyped(jwt, name, ScalarTypes);

    private static string? ReadTyped(JsonWebToken jwt, string name, HashSet<string> types)
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

        return jwt.TryGetClaim(name, out var claim) && types.Contains(claim.ValueType) ? claim.Value : null;
    }
}
