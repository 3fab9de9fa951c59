using System.Text.Json;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Mcp;

/// <summary>
/// The gateway inside delegation trees, on the vaulted-key MCP server: the support agent (root, depth limit 1) calls
/// lookup_order and whoami, refunds up to 100 alone, over 100 after a human approves, never over 1000; the orchestrator
/// (root, depth limit 2) only looks orders up; the executor and the checker, as sub-agents, are allowed every tool of
/// the server by their own rule. Each agent also has an ordinary rule granting it a credential for the server.
/// </summary>
public abstract class McpGatewayChainTest : McpGatewayTest
{
    protected const string VaultScopes = "vault:read vault:write";

    protected const string ChainRules = """


          - id: sub-agents-vault-mcp
            reason: The orchestrator and the refund sub-agents use the vaulted-key MCP server for the user they serve.
            effect: allow
            agents: ["spiffe://acme.example/agents/orchestrator", "spiffe://acme.example/agents/refund-executor", "spiffe://acme.example/agents/refund-checker"]
            tools: [vault-mcp]
            scopes: [vault:read, vault:write]

          - id: sub-agents-call-everything
            reason: The refund sub-agents' own rule allows every tool of the server.
            effect: allow
            agents: ["spiffe://acme.example/agents/refund-executor", "spiffe://acme.example/agents/refund-checker"]
            tools: [vault-mcp]
            mcp: { tools: ['*'] }

          - id: mcp-huge-refunds-denied
            reason: Support never refunds more than 1000 through the gateway.
            effect: deny
            agents: ["spiffe://acme.example/agents/support"]
            tools: [vault-mcp]
            mcp: { tools: [refund] }
            when: mcp.arguments.amount > 1000

          - id: orchestrator-mcp-lookup
            reason: The orchestrator only looks orders up.
            effect: allow
            agents: ["spiffe://acme.example/agents/orchestrator"]
            tools: [vault-mcp]
            mcp: { tools: [lookup_order] }
        """;

    protected override string Policy => McpGatewayHarness.Policy + ChainRules;

    /// <summary>A run of <paramref name="root"/> for alice, over the vaulted-key server.</summary>
    protected Task<string> RootRunAsync(string root = SupportAgent) => Gateway.Broker.StartRunAsync(root, VaultScopes);

    /// <summary><paramref name="subAgent"/>'s run under <paramref name="parentRun"/>.</summary>
    protected Task<string> DelegateAsync(string parentRun, string subAgent = ExecutorAgent) => Gateway.Broker.DelegateAsync(parentRun, subAgent);

    /// <summary>A credential for the vaulted-key server's gateway endpoint, issued to <paramref name="agent"/> inside <paramref name="runToken"/>.</summary>
    protected Task<string> CredentialInAsync(string runToken, string agent = ExecutorAgent) =>
        Gateway.Broker.IssueInRunAsync(runToken, agent, Gateway.Endpoint(McpGatewayHarness.Vault).ToString(), VaultScopes);

    /// <summary>A 2026-07-28 tools/call of the vaulted-key server.</summary>
    protected Task<HttpResponseMessage> CallAsync(string credential, string tool, string arguments) =>
        PostAsync(Request("tools/call", tool, arguments), credential, tool: McpGatewayHarness.Vault);

    protected static string Refund(int amount) => $$"""{"orderId":"o-7","amount":{{amount}}}""";

    /// <summary>
    /// The JSON-RPC refusal naming the agent up the chain, its run and its rule: 403, -31403, mcp.delegator_not_allowed.
    /// Returns its <c>data</c>.
    /// </summary>
    protected static async Task<JsonElement> DelegatorRefusalAsync(HttpResponseMessage response, string delegator, string delegatorRun, string? rule)
    {
        var error = await JsonRpcErrorAsync(response, 403);
        Assert.Equal(-31403, error.GetProperty("code").GetInt32());
        var data = error.GetProperty("data").Clone();
        Assert.Equal("mcp.delegator_not_allowed", data.GetProperty("check_id").GetString());
        Assert.Equal(delegator, data.GetProperty("delegator").GetString());
        Assert.Equal(delegatorRun, data.GetProperty("delegator_run").GetString());
        Assert.Equal(rule, data.GetProperty("rule").GetString());
        var detail = data.GetProperty("detail").GetString();
        Assert.Contains($"'{delegator}'", detail, StringComparison.Ordinal);
        Assert.Contains($"'{delegatorRun}'", detail, StringComparison.Ordinal);
        Assert.Contains(rule is null ? "no rule" : $"'{rule}'", detail, StringComparison.Ordinal);
        return data;
    }
}
