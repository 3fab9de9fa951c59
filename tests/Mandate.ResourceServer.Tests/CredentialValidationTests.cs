using System.Security.Cryptography;
using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.ResourceServer.Tests;

/// <summary>Each check of the handler on its own: a credential that differs from a good one in one respect is refused with 401 invalid_token.</summary>
public sealed class CredentialValidationTests : ToolTest
{
    [Fact]
    public async Task ValidCredential_IsAccepted_AndTheToolSeesAgentUserTenantRunAndCredentialId()
    {
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        var reply = await Refunds.PostAsync("/refunds", credential, RefundBody);

        Assert.Equal(201, reply.Status);
        var by = reply.Json.GetProperty("requestedBy");
        Assert.Equal(ToolBroker.SupportAgent, by.GetProperty("agent").GetString());
        Assert.Equal("alice", by.GetProperty("subject").GetString());
        Assert.Equal("acme", by.GetProperty("tenant").GetString());
        Assert.StartsWith("jti_", by.GetProperty("credential").GetString());
        Assert.Equal(ForgedTokens.Claims(credential)["run"], by.GetProperty("run").GetString());
        Assert.Equal([ToolBroker.SupportAgent], by.GetProperty("chain").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task CredentialForAnotherTool_IsRefusedWithInvalidToken()
    {
        var crm = await Harness.CredentialAsync(ToolKind.Crm, "crm:read");

        var reply = await Refunds.GetAsync("/refunds/rf_1", crm);

        AssertInvalidToken(reply, "another tool");
    }

    [Fact]
    public async Task CredentialFromAnotherIssuer_SignedWithTheBrokersKey_IsRefused()
    {
        var forged = Harness.Forge(await Good(), c => c["iss"] = "https://evil.example");

        AssertInvalidToken(await Refunds.PostAsync("/refunds", forged, RefundBody), "not issued by");
    }

    [Fact]
    public async Task ExpiredCredential_IsRefused_OnTheServicesClock()
    {
        var credential = await Good();
        var lifetime = TimeSpan.FromSeconds((long)ForgedTokens.Claims(credential)["exp"] - (long)ForgedTokens.Claims(credential)["iat"]);
        Assert.Equal(201, (await Refunds.PostAsync("/refunds", credential, RefundBody)).Status);

        Harness.Clock.Advance(lifetime + TimeSpan.FromSeconds(30));

        AssertInvalidToken(await Refunds.PostAsync("/refunds", credential, RefundBody), "expired");
    }

    [Fact]
    public async Task CredentialWithinClockSkewAfterExpiry_IsStillAccepted_ButNotOneSecondLater()
    {
        var credential = await Good();
        var lifetime = TimeSpan.FromSeconds((long)ForgedTokens.Claims(credential)["exp"] - (long)ForgedTokens.Claims(credential)["iat"]);

        Harness.Clock.Advance(lifetime + TimeSpan.FromSeconds(29));
        var within = await Refunds.PostAsync("/refunds", credential, RefundBody);
        Harness.Clock.Advance(TimeSpan.FromSeconds(1));
        var after = await Refunds.PostAsync("/refunds", credential, RefundBody);

        Assert.Equal(201, within.Status);
        AssertInvalidToken(after, "expired");
    }

    [Fact]
    public async Task NotYetValidCredential_IsRefused()
    {
        var forged = Harness.Forge(await Good(), c => c["nbf"] = Harness.Clock.GetUtcNow().AddMinutes(2).ToUnixTimeSeconds());

        AssertInvalidToken(await Refunds.PostAsync("/refunds", forged, RefundBody), "not valid yet");
    }

    [Fact]
    public async Task TamperedPayload_KeepingTheSignature_IsRefused()
    {
        var tampered = ForgedTokens.SwapPayload(await Harness.CredentialAsync(ToolKind.Refunds, "refunds:read"), c => c["scope"] = "refunds:read refunds:write");

        AssertInvalidToken(await Refunds.PostAsync("/refunds", tampered, RefundBody), "signature");
    }

    [Fact]
    public async Task AlgNone_IsRefusedBeforeAnyKeyLookup()
    {
        var unsigned = ForgedTokens.Unsigned(await Good());

        AssertInvalidToken(await Refunds.PostAsync("/refunds", unsigned, RefundBody), "alg 'none'");
    }

    [Fact]
    public async Task HmacSignedCopy_AlgorithmConfusion_IsRefused()
    {
        AssertInvalidToken(await Refunds.PostAsync("/refunds", ForgedTokens.Hmac(await Good()), RefundBody), "alg 'HS256'");
    }

    [Fact]
    public async Task SignedByAnUnknownKey_IsRefused_AfterOneThrottledJwksRefresh()
    {
        var good = await Good();
        Assert.Equal(201, (await Refunds.PostAsync("/refunds", good, RefundBody)).Status);
        var fetchesBefore = Refunds.State!.Keys.FetchCount;
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = Harness.Forge(good, _ => { }, key: new SigningCredentials(new ECDsaSecurityKey(attacker) { KeyId = "forged-kid" }, SecurityAlgorithms.EcdsaSha256));

        Harness.Clock.Advance(TimeSpan.FromSeconds(31));
        var first = await Refunds.PostAsync("/refunds", forged, RefundBody);
        var second = await Refunds.PostAsync("/refunds", forged, RefundBody);

        AssertInvalidToken(first, "kid");
        AssertInvalidToken(second, "kid");
        // One refresh for the unknown kid, then none within the 30 s interval: forged kids cannot flood the broker.
        Assert.Equal(fetchesBefore + 1, Refunds.State!.Keys.FetchCount);
    }

    [Fact]
    public async Task SignedByAnAttackerKey_UnderTheBrokersKid_IsRefused()
    {
        var good = await Good();
        using var attacker = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = Harness.Broker.Runtime.Keys.Current.Active.Kid;
        var forged = Harness.Forge(good, _ => { }, key: new SigningCredentials(new ECDsaSecurityKey(attacker) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256));

        AssertInvalidToken(await Refunds.PostAsync("/refunds", forged, RefundBody), "signature");
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("txntoken+jwt")]
    [InlineData("dpop+jwt")]
    public async Task WrongTyp_IsRefused_EvenWithTheBrokersSignature(string typ)
    {
        var forged = Harness.Forge(await Good(), _ => { }, typ);

        AssertInvalidToken(await Refunds.PostAsync("/refunds", forged, RefundBody), "at+jwt");
    }

    [Fact]
    public async Task Typ_Absent_IsRefused_EvenWithTheBrokersSignature()
    {
        // RFC 9068 §4: the resource server MUST verify that typ is at+jwt or application/at+jwt; a header without one is not.
        var active = Harness.Broker.Runtime.Keys.Current.Active;
        var forged = ForgedTokens.WithoutTyp(await Good(), (System.Security.Cryptography.ECDsa)active.Key, active.Kid);

        AssertInvalidToken(await Refunds.PostAsync("/refunds", forged, RefundBody), "at+jwt");
    }

    [Theory]
    [InlineData("application/at+jwt")]
    [InlineData("AT+JWT")]
    [InlineData("Application/At+Jwt")]
    public async Task Typ_IsTheAtJwtMediaType_InAnyCaseAndWithOrWithoutApplication_IsAccepted(string typ)
    {
        // RFC 9068 §4 with RFC 7515 §4.1.9: typ is a media type, so its case does not matter and "application/" may be omitted.
        var credential = Harness.Forge(await Good(), _ => { }, typ);

        Assert.Equal(201, (await Refunds.PostAsync("/refunds", credential, RefundBody)).Status);
    }

    [Fact]
    public async Task RunToken_PresentedAsAToolCredential_IsRefused()
    {
        var token = await Harness.RunTokenAsync();

        AssertInvalidToken(await Refunds.PostAsync("/refunds", token, RefundBody), "at+jwt");
    }

    [Theory]
    [InlineData("jti")]
    [InlineData("client_id")]
    [InlineData("tenant")]
    [InlineData("run")]
    [InlineData("scope")]
    [InlineData("sub")]
    public async Task CredentialMissingAMandateClaim_IsRefused(string claim)
    {
        var forged = Harness.Forge(await Good(), c => c.Remove(claim));

        AssertInvalidToken(await Refunds.PostAsync("/refunds", forged, RefundBody), claim);
    }

    [Fact]
    public async Task CredentialWithoutExp_IsRefused()
    {
        var forged = Harness.Forge(await Good(), c => c.Remove("exp"));

        AssertInvalidToken(await Refunds.PostAsync("/refunds", forged, RefundBody), null);
    }

    [Fact]
    public async Task CredentialWithoutIat_IsRefused_Rfc9068Section2_2()
    {
        var forged = Harness.Forge(await Good(), c => c.Remove("iat"));

        AssertInvalidToken(await Refunds.PostAsync("/refunds", forged, RefundBody), "iat");
    }

    [Fact]
    public async Task CredentialNamingSeveralAudiences_IsRefused()
    {
        var forged = Harness.Forge(await Good(), c => c["aud"] = new[] { ToolKind.Refunds.Resource, ToolKind.Crm.Resource });

        AssertInvalidToken(await Refunds.PostAsync("/refunds", forged, RefundBody), "exactly one audience");
    }

    [Fact]
    public async Task AudienceAsAOneElementArray_NamingThisTool_IsAccepted()
    {
        // RFC 7519 §4.1.3: aud may be an array; RFC 9068 §4: the RS checks that aud contains its own identifier.
        var credential = Harness.Forge(await Good(), c => c["aud"] = new[] { ToolKind.Refunds.Resource });

        Assert.Equal(201, (await Refunds.PostAsync("/refunds", credential, RefundBody)).Status);
    }

    [Fact]
    public async Task AudienceWithATrailingSlash_IsNotTheSameAudience()
    {
        var forged = Harness.Forge(await Good(), c => c["aud"] = ToolKind.Refunds.Resource + "/");

        AssertInvalidToken(await Refunds.PostAsync("/refunds", forged, RefundBody), "another tool");
    }

    private Task<string> Good() => Harness.CredentialAsync(ToolKind.Refunds, "refunds:read refunds:write");

    internal static void AssertInvalidToken(ToolReply reply, string? descriptionContains)
    {
        Assert.Equal(401, reply.Status);
        Assert.Equal("invalid_token", reply.Error);
        Assert.Equal("invalid_token", reply.Json.GetProperty("error").GetString());
        if (descriptionContains is not null)
        {
            Assert.Contains(descriptionContains, reply.Description);
        }
    }
}
