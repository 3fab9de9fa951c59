using System.Text.Json.Nodes;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// A delegation chain is trusted only as Mandate signed and recorded it. Edited, re-signed, spliced and
/// foreign run tokens are refused; so is a correctly signed one that no stored run backs.
/// </summary>
public sealed class RunTokenForgeryTests : BrokerTest
{
    private const string NotValid = "subject_token is not a valid run token (signature, issuer or typ)";
    private const string NotRecorded = "subject_token does not match any run this broker recorded; its delegation chain cannot be trusted";

    [Fact]
    public async Task InRun_ActChainEditedInARealRunToken_SignatureFailsAndIsRefused()
    {
        var runToken = await Broker.StartRunAsync();
        var forged = ForgedRunTokens.EditPayload(runToken, p => p["act"] = Chain(ResearchAgent, SupportAgent));

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(forged));

        Expect.Refused(reply, "invalid_request", NotValid);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Delegate_ForgedChainResignedWithAKeyTheBrokerNeverHad_IsRefused()
    {
        // The attacker keeps the broker's kid so the key lookup succeeds and only the signature can catch it.
        var runToken = await Broker.StartRunAsync();
        using var attacker = IssuerKey.Attacker(Broker.Options.Issuer);
        var forged = ForgedRunTokens.Resign(runToken, p =>
        {
            p["act"] = Chain(ExecutorAgent, SupportAgent);
            p["rctx"]!["req_wl"] = ExecutorAgent;
        }, attacker.Key, Broker.Runtime.Keys.Current.Active.Kid);

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(forged, ExecutorAgent));

        Expect.Refused(reply, "invalid_request", NotValid);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task InRun_RunTokenSignedUnderAnUnknownKid_IsRefused()
    {
        var runToken = await Broker.StartRunAsync();
        using var attacker = IssuerKey.Attacker(Broker.Options.Issuer);
        var forged = ForgedRunTokens.Resign(runToken, _ => { }, attacker.Key, attacker.Kid);

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(forged));

        Expect.Refused(reply, "invalid_request", "subject_token is not signed by this broker's keys; run tokens come only from Mandate");
    }

    [Fact]
    public async Task InRun_RunATokenSplicedWithRunBsClaims_SignatureFailsAndIsRefused()
    {
        var runA = await Broker.StartRunAsync();
        var runB = await Broker.StartRunAsync(subjectToken: Broker.UserToken("bob"));
        var b = IssuedTokens.Read(runB);
        var spliced = ForgedRunTokens.EditPayload(runA, p =>
        {
            p["txn"] = RunId(runB);
            p["sub"] = "bob";
            p["azd"] = JsonNode.Parse(Azd(runB).GetRawText());
            p["jti"] = b.Id;
        });

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(spliced));

        Expect.Refused(reply, "invalid_request", NotValid);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task InRun_BrokerSignedRunTokenNamingAnUnknownRun_IsRefused()
    {
        var record = await ForgedRunTokens.RecordOfAsync(Broker, await Broker.StartRunAsync());
        var forged = ForgedRunTokens.SignWithBrokerKey(Broker, record with { Id = "run_never_started" });

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(forged));

        Expect.Refused(reply, "invalid_request", NotRecorded);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task InRun_BrokerSignedRunTokenWithAChainTheRunNeverHad_IsRefused()
    {
        var record = await ForgedRunTokens.RecordOfAsync(Broker, await Broker.StartRunAsync());
        var forged = ForgedRunTokens.SignWithBrokerKey(Broker, record with { Actors = [ResearchAgent, SupportAgent], Depth = 1 });

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(forged));

        Expect.Refused(reply, "invalid_request", NotRecorded);
    }

    [Fact]
    public async Task InRun_BrokerSignedRunTokenClaimingAnotherMaxDepth_IsRefusedAsNotTheRecordedRun()
    {
        var record = await ForgedRunTokens.RecordOfAsync(Broker, await Broker.StartRunAsync());
        var forged = ForgedRunTokens.SignWithBrokerKey(Broker, record with { MaxDepth = record.MaxDepth + 4 });

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(forged));

        Expect.Refused(reply, "invalid_request", $"the max_depth claim of subject_token differs from run '{record.Id}' as this broker recorded it");
        Assert.Equal("attest.run_token_differs", reply.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
    }

    [Theory]
    [InlineData("refunds:read refunds:write refunds:admin")]
    [InlineData("refunds:read")]
    public async Task InRun_BrokerSignedRunTokenClaimingAnotherEnvelope_IsRefusedAsNotTheRecordedRun(string scopes)
    {
        var record = await ForgedRunTokens.RecordOfAsync(Broker, await Broker.StartRunAsync());
        var envelope = new Mandate.Core.Runs.RunEnvelope([new("refunds", scopes.Split(' '))]);
        var forged = ForgedRunTokens.SignWithBrokerKey(Broker, record with { Envelope = envelope });

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(forged, scope: "refunds:read"));

        Expect.Refused(reply, "invalid_request", $"the tools claim of subject_token differs from run '{record.Id}'");
        Assert.Equal("attest.run_token_differs", reply.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task InRun_RunTokenForAnotherTrustDomain_IsRefused()
    {
        // Signed with this broker's own key, so only the audience can tell it is not for this trust domain.
        var record = await ForgedRunTokens.RecordOfAsync(Broker, await Broker.StartRunAsync());
        var foreign = ForgedRunTokens.SignWithBrokerKey(Broker, record, "other.example");
        Assert.Equal(["spiffe://other.example"], IssuedTokens.Read(foreign).Audiences);

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(foreign));

        Expect.Refused(reply, "invalid_request", $"subject_token was issued for another trust domain; run tokens are valid only in '{TrustDomain}'");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task InRun_StoredRunChangedBehindTheBrokersBack_GenuineTokenIsRefused()
    {
        var runToken = await Broker.StartRunAsync();
        await Broker.ExecuteSqlAsync($"UPDATE runs SET agent = '{ResearchAgent}' WHERE id = '{RunId(runToken)}';");

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(runToken));

        Expect.Refused(reply, "invalid_request", NotRecorded);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task InRun_ToolCredentialPresentedAsARunToken_IsRefusedByTyp()
    {
        var credential = await Broker.IssueAsync();

        var reply = await Broker.ExchangeAsync(Broker.InRunRequest(credential));

        Expect.Refused(reply, "invalid_request", NotValid);
    }

    [Fact]
    public async Task Exchange_RunTokenPresentedAsAUserToken_IsRefusedSayingToSendItAsTxnToken()
    {
        var runToken = await Broker.StartRunAsync();

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { SubjectToken = runToken });

        // Not "add it under issuers": trusting Mandate as an issuer would make its own tokens identities.
        Expect.Refused(reply, "invalid_request", "subject_token was issued by this broker", "subject_token_type=urn:ietf:params:oauth:token-type:txn_token");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_ToolCredentialPresentedAsActorToken_IsRefusedSayingItIsNoIdentity()
    {
        var credential = await Broker.IssueAsync();

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = credential });

        Expect.Refused(reply, "invalid_request", "actor_token was issued by this broker", "credentials for tools are never subject or actor tokens");
    }

    [Fact]
    public async Task Introspect_RunToken_IsNotACredentialAndIsInactive()
    {
        var runToken = await Broker.StartRunAsync();

        var reply = await Broker.IntrospectAsync(runToken, Broker.Svid(RefundsWorkload));

        IntrospectionReply.AssertInactive(reply);
    }

    private static JsonObject Chain(string current, string inner) =>
        new() { ["sub"] = current, ["act"] = new JsonObject { ["sub"] = inner } };
}
