namespace Mandate.Cli.Tests;

/// <summary>
/// <c>mandate policy explain</c> of a request with <c>mcp:</c> explains the tools/call the gateway decides, as a test
/// case with <c>mcp:</c> does, instead of explaining a token request for the MCP server.
/// </summary>
public sealed class PolicyExplainMcpCallTests
{
    private const string Policy = """
        rules:
          - id: support-payments-mcp
            reason: Support may hold a credential for the payments MCP server.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp]
            scopes: [orders:read, refunds:write]
          - id: mcp-large-refunds
            reason: A human approves each large refund.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp]
            mcp: { tools: [refund] }
            when: mcp.arguments.amount > 100
        """;

    private const string Caller = "agent: spiffe://acme.example/agents/support\ntool: payments-mcp\nuser: alice\nuser_tenant: acme\ntenant: acme\n";

    [Fact]
    public async Task Explain_McpCallRequest_GivesTheGatewaysDecision()
    {
        using var dir = new TempFolder();
        var policy = dir.Write("policy.yaml", Policy);
        var request = dir.Write("request.yaml", Caller + "mcp: {tool: refund, arguments: {amount: 250}}\n");

        var (exit, output) = await CliRunner.RunAsync("policy", "explain", "--policy", policy, "--request", request);

        Assert.True(exit == 0, output);
        Assert.Contains("decision: pending by mcp-large-refunds", output, StringComparison.Ordinal);
        Assert.Contains("pass when: mcp.arguments.amount > 100 = true", output, StringComparison.Ordinal);
        Assert.Contains("fail mcp: an ordinary rule", output, StringComparison.Ordinal);
        Assert.DoesNotContain("decision: allow", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_McpWithoutTool_ExitsTwoSayingWhatMcpHolds()
    {
        using var dir = new TempFolder();
        var policy = dir.Write("policy.yaml", Policy);
        var request = dir.Write("request.yaml", Caller + "mcp: {arguments: {amount: 250}}\n");

        var (exit, output) = await CliRunner.RunAsync("policy", "explain", "--policy", policy, "--request", request);

        Assert.True(exit == 2, output);
        Assert.Contains($"error: {request}: a value in the request cannot be read: mcp must be a mapping with the MCP 'tool'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("decision:", output, StringComparison.Ordinal);
    }
}
