using System.Net;
using System.Numerics;
using Mandate.Server.Tests.Harness;
using Microsoft.IdentityModel.Tokens;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Introspection;

/// <summary>
/// Invariant 6 as an attacker tries to get around it: a revocation reaches a whole delegation tree whichever way it was
/// asked for, and a credential spelt with other bytes is still the credential that was revoked.
/// </summary>
[Trait("Invariant", "6")]
public sealed class RevocationReachTests : BrokerTest
{
    // The order of P-256 (SEC 2 §2.4.2): (r, n - s) verifies wherever (r, s) does.
    private static readonly BigInteger P256Order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);

    [Fact]
    public async Task Invariant6_RootRunRevokedByAdmin_GrandchildCredentialInactiveAndGrandchildRunTokenGetsNothing()
    {
        var (root, grandchild, credential) = await ThreeLevelsAsync();

        using (var admin = Broker.Admin())
        {
            await admin.RevokeAsync("run", RunId(root), "incident");
        }

        Assert.False(await Broker.ActiveAsync(credential));
        Expect.Refused(await Broker.ExchangeAsync(Broker.InRunRequest(grandchild, CheckerAgent, scope: "refunds:read")), "invalid_request", "was revoked");
    }

    [Theory]
    [InlineData("access_token")]
    [InlineData("refresh_token")]
    public async Task Invariant6_RootRunTokenRevokedUnderAnotherTokenTypeHint_WholeTreeEnds(string hint)
    {
        // RFC 7009 §2.1: a hint the token does not fit MUST NOT stop the server from finding it among its other types.
        var (root, grandchild, credential) = await ThreeLevelsAsync();

        var reply = await Broker.PostFormAsync("oauth2/revoke", [new("token", root), new("token_type_hint", hint)], Broker.Svid(OrchestratorAgent));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.False(await Broker.ActiveAsync(credential));
        Expect.Refused(await Broker.ExchangeAsync(Broker.RunTokenRequest(root, OrchestratorAgent)), "invalid_request");
        Expect.Refused(await Broker.ExchangeAsync(Broker.InRunRequest(grandchild, CheckerAgent, scope: "refunds:read")), "invalid_request");
    }

    [Fact]
    public async Task Invariant6_CredentialRevoked_SameCredentialWithTheOtherValidSignature_IsInactive()
    {
        // A lookup keyed by the token's bytes would miss this spelling: (r, n - s) is a second valid ES256 signature.
        var token = await Broker.IssueAsync();
        var respelt = WithOtherSignature(token);
        Assert.NotEqual(token, respelt);
        Assert.True(await Broker.ActiveAsync(respelt));

        Assert.Equal(HttpStatusCode.OK, (await Broker.RevokeAsync(token, Broker.Svid(SupportAgent))).Status);

        Assert.False(await Broker.ActiveAsync(respelt));
        Assert.False(await Broker.ActiveAsync(token));
    }

    [Fact]
    public async Task Invariant6_CredentialRevokedInTheOtherSpelling_TheOriginalIsInactive()
    {
        var token = await Broker.IssueAsync();
        Assert.True(await Broker.ActiveAsync(token));

        Assert.Equal(HttpStatusCode.OK, (await Broker.RevokeAsync(WithOtherSignature(token), Broker.Svid(SupportAgent))).Status);

        Assert.False(await Broker.ActiveAsync(token));
    }

    [Theory]
    [InlineData("token")]
    [InlineData("run")]
    public async Task Invariant6_AdminRevocation_RunsShorterThanCredentials_CredentialStaysInactiveAfterThePurge(string target)
    {
        // runs.max_duration may be shorter than a credential's lifetime: the row must outlive every credential it covers.
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: "runs: { max_duration: 1m, token_lifetime: 1m }");
        var credential = await broker.IssueAsync();
        var claims = IssuedTokens.Read(credential);
        using (var admin = broker.Admin())
        {
            await admin.RevokeAsync(target, target == "token" ? claims.Id : claims.GetPayloadValue<string>("run"), "incident");
        }

        broker.Clock.Advance(TimeSpan.FromMinutes(2.5));
        broker.Runtime.Revocations.Purge(broker.Now);

        Assert.True(broker.Now < claims.ValidTo);
        Assert.False(await broker.ActiveAsync(credential));
    }

    /// <summary>orchestrator → executor → checker; the checker's run token and a credential issued in its run.</summary>
    private async Task<(string Root, string Grandchild, string Credential)> ThreeLevelsAsync()
    {
        var root = await Broker.StartRunAsync(OrchestratorAgent);
        var child = await Broker.DelegateAsync(root, ExecutorAgent);
        var grandchild = await Broker.DelegateAsync(child, CheckerAgent, "refunds:read");
        var credential = await Broker.IssueInRunAsync(grandchild, CheckerAgent, scope: "refunds:read");
        Assert.True(await Broker.ActiveAsync(credential));
        return (root, grandchild, credential);
    }

    private static string WithOtherSignature(string token)
    {
        var parts = token.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        var s = new BigInteger(signature.AsSpan(32), isUnsigned: true, isBigEndian: true);
        var flipped = (P256Order - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        var respelt = signature[..32].Concat(new byte[32 - flipped.Length]).Concat(flipped).ToArray();
        return $"{parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(respelt)}";
    }
}
