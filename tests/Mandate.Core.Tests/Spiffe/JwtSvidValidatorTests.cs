using System.Security.Cryptography;
using Mandate.Core.Spiffe;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Tests.Spiffe;

/// <summary>
/// The JWT-SVID spec's rules as the Workload API's ValidateJWTSVID applies them: only this trust domain's published keys,
/// typ absent or JWT/JOSE (§2.2), sub a workload SPIFFE ID, exp required and in the future, aud holding the audience.
/// </summary>
public sealed class JwtSvidValidatorTests : SpiffeAuthorityTest
{
    private const string Agent = "spiffe://acme.example/agents/support";
    private const string Audience = "https://refunds.acme.example";

    private JwtSvidValidator Validator => new(Authority, Env.Clock);

    [Fact]
    public async Task Validate_IssuedSvid_ReturnsItsSpiffeIdAndPayload()
    {
        var svid = Authority.IssueJwtSvid(Agent, [Audience, "billing"], TimeSpan.FromMinutes(5));

        var result = await Validator.ValidateAsync(svid.Token, "billing");

        Assert.Null(result.Failure);
        Assert.Equal(Agent, result.SpiffeId);
        Assert.Contains("\"jti\":\"" + svid.Jti + "\"", result.PayloadJson, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("at+jwt", Agent, true, "typ")]
    [InlineData("JWT", "alice", true, "sub must be a workload SPIFFE ID")]
    [InlineData("JWT", "spiffe://acme.example", true, "sub must be a workload SPIFFE ID")]
    [InlineData("JWT", "spiffe://other.example/agents/support", true, "sub must be a workload SPIFFE ID")]
    [InlineData("JWT", Agent, false, "expired or has no exp")]
    public async Task Validate_SignedByThisDomainsKeyButBreakingARule_IsInvalid(string typ, string subject, bool withExp, string expected)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject, ["aud"] = Audience, ["iat"] = Env.Clock.GetUtcNow().ToUnixTimeSeconds() };
        if (withExp)
        {
            claims["exp"] = (Env.Clock.GetUtcNow() + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds();
        }

        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = typ,
            SigningCredentials = Authority.Current.JwtActive.Credentials,
            Claims = claims,
        });

        var result = await Validator.ValidateAsync(token, Audience);

        Assert.Null(result.SpiffeId);
        Assert.Contains(expected, result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_UnsignedOrHmacSvid_IsInvalid()
    {
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = Agent, ["aud"] = Audience },
            Expires = (Env.Clock.GetUtcNow() + TimeSpan.FromMinutes(5)).UtcDateTime,
        });
        var hmac = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = Agent, ["aud"] = Audience },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256),
        });

        foreach (var token in new[] { unsigned, hmac })
        {
            var result = await Validator.ValidateAsync(token, Audience);
            Assert.Null(result.SpiffeId);
            Assert.NotNull(result.Failure);
        }
    }

    [Theory]
    [InlineData("JOSE")]
    [InlineData("JWT")]
    public async Task Validate_TypJwtOrJose_IsValid(string typ)
    {
        // JWT-SVID §2.3: typ, when set, is JWT or JOSE; both are JWT-SVIDs.
        var token = Sign(typ, new() { ["sub"] = Agent, ["aud"] = Audience, ["exp"] = (Env.Clock.GetUtcNow() + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds() });

        var result = await Validator.ValidateAsync(token, Audience);

        Assert.Null(result.Failure);
        Assert.Equal(Agent, result.SpiffeId);
    }

    [Fact]
    public async Task Validate_WithoutAud_IsInvalid()
    {
        // JWT-SVID §3.2: validators MUST reject tokens without an aud claim.
        var token = Sign("JWT", new() { ["sub"] = Agent, ["exp"] = (Env.Clock.GetUtcNow() + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds() });

        var result = await Validator.ValidateAsync(token, Audience);

        Assert.Null(result.SpiffeId);
        Assert.Contains("aud", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_JwsJsonSerialization_IsInvalid()
    {
        // JWT-SVID §1/§5.1: JWS JSON Serialization MUST NOT be used; only the compact form is a JWT-SVID.
        var parts = Authority.IssueJwtSvid(Agent, Audience, TimeSpan.FromMinutes(5)).Token.Split('.');
        var json = $"{{\"payload\":\"{parts[1]}\",\"protected\":\"{parts[0]}\",\"signature\":\"{parts[2]}\"}}";

        var result = await Validator.ValidateAsync(json, Audience);

        Assert.Null(result.SpiffeId);
        Assert.Contains("compact serialization", result.Failure, StringComparison.Ordinal);
    }

    private string Sign(string typ, Dictionary<string, object> claims) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = typ,
            SigningCredentials = Authority.Current.JwtActive.Credentials,
            Claims = claims,
        });
}
