using Microsoft.IdentityModel.Tokens;

namespace Mandate.Bench.Bare;

/// <summary>Validation parameters for one issuer, built once: exact iss, the broker's aud, ES256 only, exp required.</summary>
internal static class TokenValidation
{
    public static TokenValidationParameters For(string issuer, string jwksFile, string audience) => new()
    {
        ValidIssuer = issuer,
        ValidAudience = audience,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        IssuerSigningKeys = new JsonWebKeySet(File.ReadAllText(jwksFile)).Keys,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = false,
        ClockSkew = TimeSpan.FromSeconds(30),
    };
}
