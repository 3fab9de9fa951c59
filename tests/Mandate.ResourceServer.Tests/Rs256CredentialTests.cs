using System.Security.Cryptography;
using System.Text.Json;
using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;
using Mandate.Testing;

namespace Mandate.ResourceServer.Tests;

/// <summary>
/// RFC 9068 §2.1: resource servers "MUST include RS256 among their supported signature algorithms". The SDK accepts
/// ES256 and RS256 by default, each only with a key of its own type from the broker's JWKS (RFC 8725 §3.1).
/// </summary>
public sealed class Rs256CredentialTests : ToolTest
{
    protected override string BrokerConfiguration => ToolBroker.Configuration.Replace(
        "workloads: [spiffe://acme.example/tools/refunds] }", "workloads: [spiffe://acme.example/tools/refunds], signing_alg: RS256 }", StringComparison.Ordinal);

    [Fact]
    public void ValidAlgorithms_Default_AreES256AndRS256()
    {
        Assert.Equal(["ES256", "RS256"], new MandateTokenOptions().ValidAlgorithms);
    }

    [Fact]
    public async Task Rs256CredentialFromTheBroker_WithDefaultOptions_IsAccepted()
    {
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        var reply = await Refunds.PostAsync("/refunds", credential, RefundBody);

        Assert.Equal("RS256", JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(credential.Split('.')[0])).RootElement.GetProperty("alg").GetString());
        Assert.True(reply.Status == 201, reply.Description);
    }

    [Theory]
    [MemberData(nameof(ForgeryNames))]
    public async Task Invariant7_ForgedRs256Credential_IsRefusedAndCreatesNothing(string forgery)
    {
        var genuine = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var forged = Forgeries().Create(forgery, genuine);

        // RFC 8725 §3.1: "each key MUST be used with exactly one algorithm"; RFC 9068 §4: an invalid token is refused
        // (RFC 6750 §3.1 invalid_token).
        var reply = await Refunds.PostAsync("/refunds", forged, RefundBody);

        CredentialValidationTests.AssertInvalidToken(reply, null);
        // Nothing was refunded: the genuine credential's refund is the service's first.
        var first = await Refunds.PostAsync("/refunds", genuine, RefundBody);
        Assert.Equal("rf_1", first.Json.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("ps256-over-rsa-key", "PS256")]
    [InlineData("rs384-over-rsa-key", "RS384")]
    public async Task Invariant7_AnotherAlgorithmOverTheBrokersRsaKey_IsRefusedEvenWhenTheServiceAllowsIt(string forgery, string algorithm)
    {
        // RFC 8725 §3.1: "each key MUST be used with exactly one algorithm"; the JWKS names RS256 for this key, so a
        // service that also lists PS256 or RS384 must still refuse them over it.
        var wider = await Harness.StartToolAsync(ToolKind.Refunds, o => o.ValidAlgorithms.Add(algorithm));
        var genuine = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        var reply = await wider.PostAsync("/refunds", Forgeries().Create(forgery, genuine), RefundBody);

        CredentialValidationTests.AssertInvalidToken(reply, "not the algorithm of the broker's key");
        var first = await wider.PostAsync("/refunds", genuine, RefundBody);
        Assert.Equal("rf_1", first.Json.GetProperty("id").GetString());
    }

    public static TheoryData<string> ForgeryNames() => new(Rs256Forgeries.Names);

    private Rs256Forgeries Forgeries()
    {
        var runtime = Harness.Broker.Runtime;
        var rsa = runtime.RsaKeys!.Current;
        var ec = runtime.Keys.Current.Active;
        return new Rs256Forgeries((RSA)rsa.Active.Key, rsa.Active.Kid, rsa.Stored.Single(k => k.Kid == rsa.Active.Kid).PublicJwk, ec.Ecdsa, ec.Kid);
    }
}
