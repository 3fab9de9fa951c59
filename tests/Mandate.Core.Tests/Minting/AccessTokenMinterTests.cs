using System.Text.Json;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Minting;
using Mandate.Core.Tests.Keys;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Tests.Minting;

/// <summary>Minted access tokens are RFC 9068 JWTs a standard library verifies, with every claim in its JSON type.</summary>
public sealed class AccessTokenMinterTests
{
    private const string Issuer = "https://mandate.test";

    [Fact]
    public async Task Mint_EveryClaim_VerifiesWithTheKeyAndReadsBackInItsJsonType()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var (minter, ring) = await MinterAsync(env);
        var now = env.Clock.GetUtcNow();
        var claims = TestCredentialClaims.At(now) with
        {
            Scopes = ["refunds:read", "refunds:write"],
            Actors = ["spiffe://acme.example/agents/support", "spiffe://acme.example/agents/triage"],
            AuthorizationDetails = [new Dictionary<string, object?> { ["type"] = "refund", ["amount"] = 12.5, ["count"] = 2L, ["final"] = true, ["tags"] = new List<object?> { "a", "é\"<" } }],
            Confirmation = Mandate.SenderConstraint.ConfirmationClaim.ForDpopKey("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"),
            ApprovalId = "apr_1",
            Approver = "bob",
        };

        var (token, kid) = minter.Mint(claims, minter.ActiveKey);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = claims.Audience,
            IssuerSigningKey = ring.Current.Active.Credentials.Key,
            ValidTypes = ["at+jwt"],
            LifetimeValidator = (_, _, _, _) => true,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal((kid, "ES256", "at+jwt"), (jwt.Kid, jwt.Alg, jwt.Typ));
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.EncodedPayload));
        var root = payload.RootElement;
        Assert.Equal(now.ToUnixTimeSeconds(), root.GetProperty("iat").GetInt64());
        Assert.Equal(now.AddMinutes(5).ToUnixTimeSeconds(), root.GetProperty("exp").GetInt64());
        Assert.Equal("spiffe://acme.example/agents/triage", root.GetProperty("act").GetProperty("sub").GetString());
        Assert.Equal("spiffe://acme.example/agents/support", root.GetProperty("act").GetProperty("act").GetProperty("sub").GetString());
        var detail = root.GetProperty("authorization_details")[0];
        Assert.Equal((12.5, 2L, true, "é\"<"), (detail.GetProperty("amount").GetDouble(), detail.GetProperty("count").GetInt64(), detail.GetProperty("final").GetBoolean(), detail.GetProperty("tags")[1].GetString()));
        Assert.Equal("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I", root.GetProperty("cnf").GetProperty("jkt").GetString());
        Assert.Equal(("apr_1", "bob"), (root.GetProperty("approval").GetProperty("id").GetString(), root.GetProperty("approval").GetProperty("approver").GetString()));
        Assert.Equal("refunds:read refunds:write", root.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task Mint_TwoTokens_DifferOnlyWhereTheirClaimsDo()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var (minter, _) = await MinterAsync(env);
        var claims = TestCredentialClaims.At(env.Clock.GetUtcNow());

        var first = new JsonWebToken(minter.Mint(claims, minter.ActiveKey).Token);
        var second = new JsonWebToken(minter.Mint(claims with { Jti = "jti_2", Subject = "bob" }, minter.ActiveKey).Token);

        Assert.Equal(first.EncodedHeader, second.EncodedHeader);
        Assert.Equal(("jti_1", "alice"), (first.Id, first.Subject));
        Assert.Equal(("jti_2", "bob"), (second.Id, second.Subject));
        Assert.False(second.TryGetPayloadValue<object>("approval", out _));
        Assert.False(second.TryGetPayloadValue<object>("cnf", out _));
    }

    [Fact]
    public async Task Mint_HeaderAndPayload_AreJsonEscapedOnlyWhereJsonRequires()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var (minter, _) = await MinterAsync(env);

        var token = new JsonWebToken(minter.Mint(TestCredentialClaims.At(env.Clock.GetUtcNow()) with { Subject = "zoë+<admin>\"x" }, minter.ActiveKey).Token);

        // RFC 9068 §2.1 spells the header "typ":"at+jwt"; a checker that compares the decoded text must see exactly that.
        Assert.Contains("\"typ\":\"at+jwt\"", Base64UrlEncoder.Decode(token.EncodedHeader), StringComparison.Ordinal);
        Assert.Contains("\"sub\":\"zoë+<admin>\\\"x\"", Base64UrlEncoder.Decode(token.EncodedPayload), StringComparison.Ordinal);
        Assert.Equal("zoë+<admin>\"x", token.Subject);
    }

    [Fact]
    public async Task Mint_Rs256Tool_SignsWithTheRsaKeyAndTheSamePayloadAsES256()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var (_, ring) = await MinterAsync(env);
        var rsa = env.NewRsaRing();
        await rsa.RefreshAsync(env.Ct);
        var minter = new AccessTokenMinter(ring, Issuer, rsa);
        var claims = TestCredentialClaims.At(env.Clock.GetUtcNow()) with { Confirmation = Mandate.SenderConstraint.ConfirmationClaim.ForDpopKey("0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I") };

        var (token, kid) = minter.Mint(claims, Tool(TokenSigningAlgorithms.RS256));
        var es256 = new JsonWebToken(minter.Mint(claims, Tool(TokenSigningAlgorithms.ES256)).Token);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = claims.Audience,
            IssuerSigningKey = rsa.Current.Active.Credentials.Key,
            ValidTypes = ["at+jwt"],
            ValidAlgorithms = ["RS256"],
            LifetimeValidator = (_, _, _, _) => true,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal((rsa.Current.Active.Kid, "RS256", "at+jwt"), (jwt.Kid, jwt.Alg, jwt.Typ));
        Assert.Equal(kid, jwt.Kid);
        Assert.Equal((ring.Current.Active.Kid, "ES256"), (es256.Kid, es256.Alg));
        Assert.Equal(es256.EncodedPayload, jwt.EncodedPayload);
    }

    [Fact]
    public async Task Mint_Rs256ToolWithoutRsaKeys_Throws()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        var (minter, _) = await MinterAsync(env);

        Assert.Throws<InvalidOperationException>(() => minter.Mint(TestCredentialClaims.At(env.Clock.GetUtcNow()), Tool(TokenSigningAlgorithms.RS256)));
    }

    private static ToolOptions Tool(string algorithm) =>
        new() { Name = "refunds", Resource = "https://refunds.example", Scopes = ["refunds:read"], SigningAlgorithm = algorithm };

    private static async Task<(AccessTokenMinter Minter, SigningKeyRing Ring)> MinterAsync(KeyRingEnvironment env)
    {
        var ring = env.NewRing();
        await ring.RefreshAsync(env.Ct);
        return (new AccessTokenMinter(ring, Issuer), ring);
    }
}
