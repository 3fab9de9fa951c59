using Mandate.Policy.Testing;
using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests.Mcp;

/// <summary>`mandate policy test` cases whose request has mcp: decide a tools/call, as the gateway would.</summary>
public sealed class McpPolicyTestCaseTests
{
    private const string Cases = """
        policy: policy.yaml
        environment: prod
        cases:
          - name: lookup is allowed
            request:
              agent: spiffe://acme.example/agents/support
              tool: payments-mcp
              tenant: acme
              user: alice
              run: run_1
              mcp: { tool: lookup_order, arguments: { order: o-1 } }
            expect: allow
            rule: mcp-lookup
          - name: a large refund waits for a human
            request:
              agent: spiffe://acme.example/agents/support
              tool: payments-mcp
              tenant: acme
              user: alice
              mcp: { tool: refund, arguments: { amount: 250, lines: [{ sku: a }] } }
            expect: pending
            rule: mcp-large-refunds
          - name: a small refund is allowed
            request:
              agent: spiffe://acme.example/agents/support
              tool: payments-mcp
              tenant: acme
              user: alice
              mcp: { tool: refund, arguments: { amount: 99.5 } }
            expect: allow
            rule: mcp-small-refunds
          - name: another tool is denied by default
            request:
              agent: spiffe://acme.example/agents/support
              tool: payments-mcp
              tenant: acme
              user: alice
              mcp: { tool: delete_customer }
            expect: deny
            rule: none
          - name: the exchange for the server is decided by the ordinary rule
            request:
              agent: spiffe://acme.example/agents/support
              tool: payments-mcp
              tenant: acme
              user: alice
              scopes: [orders:read]
            expect: allow
            rule: support-payments-mcp
        """;

    [Fact]
    public void Run_McpCases_DecideToolCallsAndExchangesApart()
    {
        var file = PolicyTestReader.Read(Cases, "mcp.tests.yaml");
        Assert.Empty(file.Problems);

        var results = PolicyTestRunner.Run(Load(McpPolicies.Payments), file.Cases);

        Assert.All(results, r => Assert.True(r.Passed, $"{r.Case.Name}: {r.Failure}"));
        Assert.Equal(5, results.Count);
    }

    [Theory]
    [InlineData("mcp: refund")]
    [InlineData("mcp: { arguments: { amount: 1 } }")]
    [InlineData("mcp: { tool: refund, arguments: [1] }")]
    public void Read_MalformedMcpCall_IsAProblemOfThatCase(string mcp)
    {
        var text = $"policy: policy.yaml\ncases:\n  - name: bad\n    request:\n      agent: a\n      tool: payments-mcp\n      {mcp}\n    expect: deny\n";

        var problem = Assert.Single(PolicyTestReader.Read(text, "bad.yaml").Problems);

        Assert.Contains("case 'bad'", problem, StringComparison.Ordinal);
    }
}
