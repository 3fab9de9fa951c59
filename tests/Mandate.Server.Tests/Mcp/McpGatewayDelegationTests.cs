using System.Net;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Mcp;

/// <summary>
/// Invariant 3 at the gateway: a tools/call made with a credential of a child run is allowed only when every agent up the
/// delegation chain, each in its own run, would be allowed the same call. A sub-agent whose own rule allows everything
/// cannot call what its parent may not.
/// </summary>
[Trait("Invariant", "3")]
public sealed class McpGatewayDelegationTests : McpGatewayChainTest
{
    [Fact]
    public async Task Invariant3_ParentHasNoRuleForTheTool_ChildsCallIsRefusedNamingTheParentAndNothingIsForwarded()
    {
        var parent = await RootRunAsync();
        var credential = await CredentialInAsync(await DelegateAsync(parent));
        var before = await Gateway.Broker.ReadAuditAsync();

        using var response = await CallAsync(credential, "admin_reset", "{}");

        await DelegatorRefusalAsync(response, SupportAgent, RunId(parent), rule: null);
        await AssertRefusalRecordedAloneAsync(before, SupportAgent);
    }

    [Fact]
    public async Task Invariant3_ChildsArgumentsOverTheParentsLimit_AreRefusedUnderTheParentsDenyRule()
    {
        var parent = await RootRunAsync();
        var credential = await CredentialInAsync(await DelegateAsync(parent));
        var before = await Gateway.Broker.ReadAuditAsync();

        using var response = await CallAsync(credential, "refund", Refund(5000));

        await DelegatorRefusalAsync(response, SupportAgent, RunId(parent), "mcp-huge-refunds-denied");
        await AssertRefusalRecordedAloneAsync(before, SupportAgent);
        Assert.Empty(await Gateway.Broker.Runtime.Store.ListApprovalsAsync(null, 100, CancellationToken.None));
    }

    [Fact]
    public async Task Invariant3_ParentAllowsTheCall_ChildsCallIsForwardedAndTheRecordNamesTheParentsRule()
    {
        var credential = await CredentialInAsync(await DelegateAsync(await RootRunAsync()));

        using var response = await CallAsync(credential, "lookup_order", """{"orderId":"o-1"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(Gateway.Upstream.Calls("lookup_order"));
        var record = Assert.Single(await McpCallRecordsAsync());
        Assert.Equal(("allowed", "sub-agents-call-everything", ExecutorAgent), (record.Outcome, record.Rule, record.Agent));
        Assert.Equal($"{SupportAgent}: mcp-lookup (allow)", record.Evidence["delegator_rules"]);
    }

    [Fact]
    public async Task Invariant3_ParentDenyAddedByAReloadAfterTheChildStarted_RefusesTheChildsNextCall()
    {
        var parent = await RootRunAsync();
        var credential = await CredentialInAsync(await DelegateAsync(parent));
        using (var first = await CallAsync(credential, "lookup_order", """{"orderId":"o-1"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var loaded = (await Gateway.Broker.AuditEventsAsync(AuditKinds.PolicyLoaded)).Count;
        await Gateway.Broker.WritePolicyAsync(Policy + """


              - id: support-lookups-frozen
                reason: Order lookups are frozen for support during the incident.
                effect: deny
                agents: ["spiffe://acme.example/agents/support"]
                tools: [vault-mcp]
                mcp: { tools: [lookup_order] }
            """);
        Assert.True((await Gateway.Broker.Runtime.Policy.ReloadAsync()).IsValid);
        await AuditRecordsAsync(AuditKinds.PolicyLoaded, records => records.Count > loaded);
        var before = await Gateway.Broker.ReadAuditAsync();

        using var response = await CallAsync(credential, "lookup_order", """{"orderId":"o-2"}""");

        await DelegatorRefusalAsync(response, SupportAgent, RunId(parent), "support-lookups-frozen");
        await AssertRefusalRecordedAloneAsync(before, SupportAgent, upstreamCalls: 1);
    }

    [Fact]
    public async Task Invariant3_GrandchildsCall_IsDecidedForEveryAgentUpTheChainAndRefusedNamingTheRoot()
    {
        var root = await RootRunAsync(OrchestratorAgent);
        var grandchild = await DelegateAsync(await DelegateAsync(root, CheckerAgent), ExecutorAgent);
        var credential = await CredentialInAsync(grandchild);
        using (var lookup = await CallAsync(credential, "lookup_order", """{"orderId":"o-1"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
        }

        var allowed = Assert.Single(await McpCallRecordsAsync());
        Assert.Equal(
            $"{CheckerAgent}: sub-agents-call-everything (allow); {OrchestratorAgent}: orchestrator-mcp-lookup (allow)",
            allowed.Evidence["delegator_rules"]);
        var before = await Gateway.Broker.ReadAuditAsync();

        using var response = await CallAsync(credential, "refund", Refund(5));

        await DelegatorRefusalAsync(response, OrchestratorAgent, RunId(root), rule: null);
        await AssertRefusalRecordedAloneAsync(before, OrchestratorAgent, upstreamCalls: 1);
    }

    [Fact]
    public async Task Invariant6_ParentRunRevoked_ChildsCallIsRefusedAndNothingIsForwarded()
    {
        var parent = await RootRunAsync();
        var credential = await CredentialInAsync(await DelegateAsync(parent));
        using (var admin = Gateway.Broker.Admin())
        {
            await admin.RevokeAsync("run", RunId(parent), "incident");
        }

        var before = await Gateway.Broker.ReadAuditAsync();

        using var response = await CallAsync(credential, "lookup_order", """{"orderId":"o-1"}""");

        // RFC 6750 §3.1: a revoked access token is invalid_token (401).
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.First().Parameter, StringComparison.Ordinal);
        Assert.Contains("proxy.credential_revoked", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Gateway.Upstream.Received);
        // Refused before the body is read, so before it is an MCP call: the proxy's own record of the refusal.
        var refusal = await OnlyNewRecordAsync(before, EgressAuditKinds.ProxyCall);
        Assert.Equal(("refused", ExecutorAgent), (refusal.Outcome, refusal.Agent));
    }

    [Fact]
    public async Task Invariant3_ToolsListInAChildRun_HidesToolsTheParentMayNotCall()
    {
        var parent = await RootRunAsync();
        await using var child = await ConnectAsync(await CredentialInAsync(await DelegateAsync(parent)), McpGatewayHarness.Vault);
        await using var root = await ConnectAsync(await CredentialInAsync(parent, SupportAgent), McpGatewayHarness.Vault);

        var childSees = (await child.ListToolsAsync()).Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        var rootSees = (await root.ListToolsAsync()).Select(t => t.Name).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["lookup_order", "refund", "whoami"], childSees);
        Assert.Equal(["lookup_order", "refund", "whoami"], rootSees);
    }

    [Fact]
    public async Task ToolsCall_RootRun_IsDecidedForItsAgentAloneAndNamesNoDelegator()
    {
        var credential = await CredentialInAsync(await RootRunAsync(), SupportAgent);

        using var response = await CallAsync(credential, "lookup_order", """{"orderId":"o-1"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = Assert.Single(await McpCallRecordsAsync());
        Assert.Equal("mcp-lookup", record.Rule);
        Assert.False(record.Evidence.ContainsKey("delegator_rules"));
    }

    // The refusal's mcp_call record is the one record written (nothing issued, no approval asked), and naming who refused.
    private async Task AssertRefusalRecordedAloneAsync(List<AuditRecord> before, string delegator, int upstreamCalls = 0)
    {
        var record = await OnlyNewRecordAsync(before, EgressAuditKinds.McpCall);
        Assert.Equal(("denied", "mcp.delegator_not_allowed"), (record.Outcome, record.Evidence["check_id"]));
        Assert.Equal(delegator, record.Evidence["delegator"]);
        Assert.False(record.Evidence.ContainsKey("upstream_status"));
        Assert.Equal(upstreamCalls, Gateway.Upstream.Received.Count(r => r.Body.Contains("\"tools/call\"", StringComparison.Ordinal)));
    }
}
