namespace Mandate.Cli.Tests;

/// <summary>
/// <c>mandate policy explain</c> of a request with <c>mcp:</c> explains the tools/call the gateway decides, as a test
/// case with <c>mcp:</c> does, instead of explaining a token request for the MCP server.
/// </summary>
public sealed class PolicyExplainMcpCallTests
{
    // One rule granting the credential for the MCP server, one deciding its refund calls.
    private const string Policy = """
        rules:
          - { id: payments-credential, reason: Support may hold a payments credential., effect: allow, agents: ["spiffe://acme.example/agents/support"], tools: [payments-mcp] }
          - { id: refunds-over-100, reason: A human approves each large refund., effect: require_approval, agents: ["spiffe://acme.example/agents/support"], tools: [payments-mcp], mcp: { tools: [refund] }, when: "mcp.arguments.amount > 100" }
        """;

    [Fact]
    public async Task Explain_McpCallRequest_GivesTheGatewaysDecision()
    {
        var (exit, output, _) = await ExplainAsync("mcp: {tool: refund, arguments: {amount: 250}}");

        Assert.True(exit == 0, output);
        Assert.Contains("decision: pending by refunds-over-100", output, StringComparison.Ordinal);
        Assert.Contains("pass when: mcp.arguments.amount > 100 = true", output, StringComparison.Ordinal);
        Assert.Contains("fail mcp: an ordinary rule", output, StringComparison.Ordinal);
        Assert.DoesNotContain("decision: allow", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_McpWithoutTool_ExitsTwoSayingWhatMcpHolds()
    {
        var (exit, output, request) = await ExplainAsync("mcp: {arguments: {amount: 250}}");

        Assert.True(exit == 2, output);
        Assert.Contains($"error: {request}: a value in the request cannot be read: mcp must be a mapping with the MCP 'tool'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("decision:", output, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Request)> ExplainAsync(string mcp)
    {
        using var dir = new TempFolder();
        var policy = dir.Write("policy.yaml", Policy);
        var request = dir.Write("request.yaml", "agent: spiffe://acme.example/agents/support\ntool: payments-mcp\nuser: alice\nuser_tenant: acme\ntenant: acme\n" + mcp + "\n");
        var (exit, output) = await CliRunner.RunAsync("policy", "explain", "--policy", policy, "--request", request);
        return (exit, output, request);
    }
}
