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
        if (jwt.TryGetPayloadValue<string>(name, out var text))
        {
            return text;
        }

        // Objects and arrays are not values a rule or a SPIFFE path can compare; treat them as missing.
        return jwt.TryGetClaim(name, out var claim) && ScalarTypes.Contains(claim.ValueType) ? claim.Value : null;
    }
}
