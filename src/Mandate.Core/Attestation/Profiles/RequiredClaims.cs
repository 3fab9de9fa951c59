using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Core.Attestation.Profiles;

/// <summary>
/// issuers[].required_claims: each listed claim must be present with one of its allowed values, compared
/// ordinally; a value ending in <c>*</c> allows any value with that prefix (<c>refs/heads/release/*</c>).
/// This is how conditions on a CI token's repository, ref or workflow are written.
/// </summary>
public static class RequiredClaims
{
    /// <summary>True when <paramref name="pattern"/> is an allowed value: non-empty, with '*' only at the end.</summary>
    public static bool IsValidPattern(string pattern) =>
        pattern.Length > 0 && pattern.IndexOf('*', StringComparison.Ordinal) is var star && (star < 0 || star == pattern.Length - 1);

    /// <summary>True when <paramref name="value"/> matches one of <paramref name="allowed"/>.</summary>
    public static bool Matches(string value, IEnumerable<string> allowed) =>
        allowed.Any(p => p.EndsWith('*') ? value.StartsWith(p[..^1], StringComparison.Ordinal) : string.Equals(value, p, StringComparison.Ordinal));

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

            if (!Matches(value, allowed))
            {
                return $"{parameter} claim '{claim}' is not one issuer '{issuer.Options.Name}' allows (required_claims.{claim}: {string.Join(", ", allowed)}); use a token issued for an allowed value or add the value to required_claims";
            }
        }

        return null;
    }
}
