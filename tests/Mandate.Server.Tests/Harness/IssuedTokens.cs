using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.Harness;

/// <summary>Verifies broker-issued credentials the way a tool would: with the published JWKS only.</summary>
internal static class IssuedTokens
{
    public static async Task<TokenValidationResult> ValidateWithJwksAsync(BrokerHarness broker, string token, string audience)
    {
        var jwks = new JsonWebKeySet(await broker.Http.GetStringAsync(".well-known/jwks.json"));
        var now = broker.Now.UtcDateTime;
        return await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = TestBroker.Issuer,
            ValidAudience = audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidTypes = ["at+jwt"],
            ValidAlgorithms = ["ES256"],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            // The broker's clock is the test's manual clock, not the machine's.
            LifetimeValidator = (notBefore, expires, _, _) => notBefore <= now && now < expires,
        });
    }

    public static JsonWebToken Read(string token) => new JsonWebTokenHandler().ReadJsonWebToken(token);

    public static TimeSpan Lifetime(string token)
    {
        var jwt = Read(token);
        return TimeSpan.FromSeconds(jwt.GetPayloadValue<long>("exp") - jwt.GetPayloadValue<long>("iat"));
    }
}
