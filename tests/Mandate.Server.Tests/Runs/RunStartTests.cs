using System.Text.Json;
using Mandate.Core.Runs;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// Starting a run: the agent's identity and the user's token become a run token shaped after the
/// Transaction Tokens draft, whose envelope every tool must be declared for and allowed by policy.
/// </summary>
public sealed class RunStartTests : BrokerTest
{
    private const string BackgroundRule = """

          - id: support-background-crm
            reason: The support agent reads CRM records for its tenant at night, with no user present.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [crm]
            scopes: [crm:read]
            subject: agent
            tenant: [acme]
        """;

    protected override string Policy => TestBroker.Policy + BackgroundRule;

    [Fact]
    public async Task StartRun_UserAndAgent_IssuesARunTokenShapedAsATransactionToken()
    {
        var reply = await Broker.ExchangeAsync(Broker.StartRunRequest());

        var token = Expect.Issued(reply);
        var jwt = IssuedTokens.Read(token);
        Assert.Equal(ExchangeRequest.TxnTokenType, reply.Member("issued_token_type"));
        Assert.Equal("N_A", reply.Member("token_type"));
        Assert.Equal(RefundsEnvelope, reply.Member("scope"));
        Assert.Equal(JsonValueKind.Number, reply.Json.GetProperty("expires_in").ValueKind);
        // RFC 6749 §5.1: a response holding a token MUST be sent with Cache-Control: no-store and Pragma: no-cache.
        Assert.Equal(("no-store", "no-cache"), (reply.Header("Cache-Control"), reply.Header("Pragma")));
        Assert.Equal("txntoken+jwt", jwt.Typ);
        Assert.Equal(["spiffe://" + TrustDomain], jwt.Audiences);
        Assert.Equal("alice", jwt.Subject);
        Assert.StartsWith("run_", jwt.GetPayloadValue<string>("txn"), StringComparison.Ordinal);
        Assert.Equal("agent-run", jwt.GetPayloadValue<string>("purp"));
        var azd = Azd(token);
        Assert.Equal("acme", azd.GetProperty("tenant").GetString());
        Assert.Equal("alice", azd.GetProperty("user").GetString());
        Assert.Equal(UserIssuer, azd.GetProperty("user_iss").GetString());
        Assert.Equal("""{"refunds":["refunds:read","refunds:write"]}""", azd.GetProperty("tools").GetRawText());
        Assert.Equal(0, azd.GetProperty("depth").GetInt32());
        Assert.Equal(1, azd.GetProperty("max_depth").GetInt32());
        Assert.False(azd.TryGetProperty("parent_run", out _));
        Assert.Equal(SupportAgent, jwt.GetPayloadValue<JsonElement>("rctx").GetProperty("req_wl").GetString());
        Assert.Equal([SupportAgent], ActChain(token));
    }

    [Fact]
    public async Task StartRun_RunToken_VerifiesWithThePublishedJwks()
    {
        var token = await Broker.StartRunAsync();

        var result = await IssuedTokens.ValidateWithJwksAsync(Broker, token, "spiffe://" + TrustDomain, "txntoken+jwt");

        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Fact]
    public async Task StartRun_UserAndAgent_RecordsTheRun()
    {
        var token = await Broker.StartRunAsync();

        var run = await ForgedRunTokens.RecordOfAsync(Broker, token);

        Assert.Equal(SupportAgent, run.Agent);
        Assert.Equal("acme", run.Tenant);
        Assert.Equal("alice", run.User);
        Assert.Null(run.ParentId);
        Assert.Equal(run.Id, run.Lineage);
        Assert.Equal([SupportAgent], run.Actors);
        Assert.Equal(RefundsEnvelope, run.Envelope.Scope);
        Assert.True(run.IsOpen(Broker.Now));
        Assert.Equal(Broker.Now + Broker.Options.Runs.MaxDuration, run.ExpiresAt);
    }

    [Fact]
    public async Task StartRun_ScopeNoDeclaredToolDefines_ReturnsInvalidScope()
    {
        // refunds:read is a real scope, but of a tool the research agent never declared.
        var reply = await Broker.ExchangeAsync(Broker.StartRunRequest(ResearchAgent, "crm:read refunds:read"));

        Expect.Refused(reply, "invalid_scope", "scope 'refunds:read' is not defined by any tool agent", ResearchAgent);
        Assert.Empty(await RunsAsync());
    }

    [Fact]
    public async Task StartRun_WithoutScope_ReturnsInvalidScope()
    {
        var reply = await Broker.ExchangeAsync(Broker.StartRunRequest() with { Scope = null });

        Expect.Refused(reply, "invalid_scope", "scope is required to start a run");
    }

    [Fact]
    public async Task StartRun_EnvelopeScopeThePolicyDenies_ReturnsInvalidScopeNamingTheRule()
    {
        var reply = await Broker.ExchangeAsync(Broker.StartRunRequest(scope: "refunds:read refunds:admin"));

        Expect.Refused(reply, "invalid_scope", "'support-refunds-own-tenant'", "'refunds:admin'");
        Assert.Empty(await RunsAsync());
    }

    [Fact]
    public async Task StartRun_EnvelopeToolThePolicyDeniesForTheTenant_ReturnsInvalidTargetNamingTheRule()
    {
        var reply = await Broker.ExchangeAsync(Broker.StartRunRequest() with { Tenant = "globex" });

        Expect.Refused(reply, "invalid_target", "'support-refunds-own-tenant'", "globex");
        Assert.Empty(await RunsAsync());
    }

    [Fact]
    public async Task StartRun_BackgroundWorkAnAgentSubjectRuleAllows_RunsWithTheAgentAsSubject()
    {
        var support = Broker.Svid(SupportAgent);

        var token = Expect.Issued(await Broker.ExchangeAsync(Broker.StartRunRequest(scope: "crm:read", subjectToken: support) with { Tenant = "acme" }));
        var credential = await Broker.IssueInRunAsync(token, tool: Crm, scope: "crm:read");

        Assert.Equal(SupportAgent, IssuedTokens.Read(token).Subject);
        Assert.False(Azd(token).TryGetProperty("user", out _));
        Assert.Null((await ForgedRunTokens.RecordOfAsync(Broker, token)).User);
        Assert.Equal(SupportAgent, IssuedTokens.Read(credential).Subject);
        Assert.Equal(RunId(token), IssuedTokens.Read(credential).GetPayloadValue<string>("run"));
    }

    [Fact]
    public async Task StartRun_BackgroundWorkNoAgentSubjectRuleAllows_ReturnsInvalidTarget()
    {
        var support = Broker.Svid(SupportAgent);

        var reply = await Broker.ExchangeAsync(Broker.StartRunRequest(scope: "refunds:read", subjectToken: support) with { Tenant = "acme" });

        Expect.Refused(reply, "invalid_target", "'support-refunds-own-tenant'", "background work");
        Assert.Empty(await RunsAsync());
    }

    private Task<IReadOnlyList<RunRecord>> RunsAsync() => Broker.Runtime.Store.ListRunsAsync(new RunQuery(), CancellationToken.None);
}
