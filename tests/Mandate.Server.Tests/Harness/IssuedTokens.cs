using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.Harness;

/// <summary>Verifies broker-issued credentials the way a tool would: with the published JWKS only.</summary>
internal static class IssuedTokens
{
    /// <summary>Checks signature, issuer, audience, lifetime and <paramref name="type"/> (<c>at+jwt</c> for tool credentials, <c>txntoken+jwt</c> for run tokens).</summary>
    public static async Task<TokenValidationResult> ValidateWithJwksAsync(BrokerHarness broker, string token, string audience, string type = "at+jwt")
    {
        var jwks = new JsonWebKeySet(await broker.Http.GetStringAsync(".well-known/jwks.json"));
        var now = broker.Now.UtcDateTime;
        return await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = TestBroker.Issuer,
            ValidAudience = audience,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidTypes = [type],
            ValidAlgorithms = ["ES256"],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            // The broker's clock is the test's manual clock, not the machine's. Run tokens carry no nbf.
            LifetimeValidator = (notBefore, expires, _, _) => (notBefore ?? now) <= now && now < expires,
        });
    }

    public static JsonWebToken Read(string token) => new JsonWebTokenHandler().ReadJsonWebToken(token);

    public static TimeSpan Lifetime(string token)
    {
        var jwt = Read(token);
        return TimeSpan.FromSeconds(jwt.GetPayloadValue<long>("exp") - jwt.GetPayloadValue<long>("iat"));
    }
}
