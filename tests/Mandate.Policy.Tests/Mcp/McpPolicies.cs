namespace Mandate.Policy.Tests.Mcp;

/// <summary>Policies for the MCP tests: the agreed example shape for a payments MCP server.</summary>
internal static class McpPolicies
{
    public const string Payments = """
        rules:
          - id: support-payments-mcp
            reason: Support may hold a credential for the payments MCP server.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp]
            scopes: [orders:read, refunds:write]
          - id: mcp-lookup
            reason: Support may look orders up.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp]
            mcp: { tools: [lookup_order] }
          - id: mcp-small-refunds
            reason: Small refunds need nobody.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp]
            mcp: { tools: [refund] }
            when: mcp.arguments.amount <= 100
          - id: mcp-large-refunds
            reason: Large refunds need a human.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp]
            mcp: { tools: [refund], record_arguments: true }
            when: mcp.arguments.amount > 100
        """;

    /// <summary>A call by the support agent for alice of tenant acme.</summary>
    public static McpCallInput Call(string tool, params (string Name, object? Value)[] arguments) => new()
    {
        Agent = PolicyTestData.Support,
        Server = "payments-mcp",
        Tool = tool,
        Arguments = arguments.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal),
        Tenant = "acme",
        Subject = SubjectKind.User,
        User = "alice",
        RunId = "run_1",
        Scopes = ["orders:read", "refunds:write"],
        Environment = "prod",
    };
}
