using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.ResourceServer.Tests;

/// <summary>
/// A tool applies the rules every incoming JWT meets to the Mandate credentials it accepts, even when the
/// broker's key signed them: crit (RFC 7515 §4.1.11), exact audience (RFC 7519 §4.1.3), iat not in the
/// future, identity text. Each refusal is RFC 6750 §3.1 invalid_token.
/// </summary>
public sealed class IncomingJwtRuleTests : ToolTest
{
    [Fact]
    public async Task Invariant7_CritHeaderUnknown_RefusedInvalidToken()
    {
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var critical = SignWithBrokerKey(ForgedTokens.Claims(credential), new Dictionary<string, object> { ["crit"] = new List<string> { "ext" }, ["ext"] = true });

        CredentialValidationTests.AssertInvalidToken(await Refunds.PostAsync("/refunds", critical, RefundBody), "marks as critical ('crit' header)");
    }

    [Fact]
    public async Task Invariant7_CritHeaderListingRegisteredName_RefusedInvalidToken()
    {
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var critical = SignWithBrokerKey(ForgedTokens.Claims(credential), new Dictionary<string, object> { ["crit"] = new List<string> { "kid" } });

        CredentialValidationTests.AssertInvalidToken(await Refunds.PostAsync("/refunds", critical, RefundBody), "registered header parameter");
    }

    [Fact]
    public async Task Invariant7_AudienceWithTrailingSlash_RefusedInvalidToken()
    {
        var forged = Harness.Forge(await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write"), c => c["aud"] = (string)c["aud"] + "/");

        CredentialValidationTests.AssertInvalidToken(await Refunds.PostAsync("/refunds", forged, RefundBody), "another tool");
    }

    [Fact]
    public async Task Invariant7_IssuedInTheFuture_RefusedInvalidToken()
    {
        var forged = Harness.Forge(await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write"), c => c["iat"] = (long)c["iat"] + 120);

        CredentialValidationTests.AssertInvalidToken(await Refunds.PostAsync("/refunds", forged, RefundBody), "issued in the future");
    }

    [Theory]
    [InlineData("tenant")]
    [InlineData("sub")]
    [InlineData("client_id")]
    [InlineData("run")]
    public async Task Invariant5_IdentityClaimWithLineBreak_RefusedInvalidToken(string claim)
    {
        var forged = Harness.Forge(await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write"), c => c[claim] = (string)c[claim] + "\r\nX-Injected: 1");

        CredentialValidationTests.AssertInvalidToken(await Refunds.PostAsync("/refunds", forged, RefundBody), $"'{claim}' claim Mandate does not accept as an identity value");
    }

    private string SignWithBrokerKey(Dictionary<string, object> claims, Dictionary<string, object> header) =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            TokenType = "at+jwt",
            AdditionalHeaderClaims = header,
            SigningCredentials = Harness.Broker.Runtime.Keys.Current.Active.Credentials,
        });
}
