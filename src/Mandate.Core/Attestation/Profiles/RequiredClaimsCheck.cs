using Mandate.Core.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Core.Attestation.Profiles;

/// <summary>Checks a validated token against its issuer's <see cref="RequiredClaims"/> (issuers[].required_claims).</summary>
internal static class RequiredClaimsCheck
{
    /// <summary>Null when every required claim holds; else a client-safe reason naming issuer and claim (never the token's value).</summary>
    internal static string? Check(JsonWebToken jwt, TrustedIssuer issuer, string parameter)
    {
        foreach (var (claim, allowed) in issuer.Options.RequiredClaims)
        {
            var value = ClaimText.Read(jwt, claim);
            if (value is null)
            {
                return $"{parameter} has no '{claim}' claim (a string), which issuer '{issuer.Options.Name}' requires (issuers[].required_claims.{claim}); present a token that carries it or remove the requirement";
            }

            if (!RequiredClaims.Matches(value, allowed))
            {
                return $"{parameter} claim '{claim}' is not one issuer '{issuer.Options.Name}' allows (required_claims.{claim}: {string.Join(", ", allowed)}); use a token issued for an allowed value or add the value to required_claims";
            }
        }

        return null;
    }
}
