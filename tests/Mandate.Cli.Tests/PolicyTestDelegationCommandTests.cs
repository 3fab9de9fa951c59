namespace Mandate.Cli.Tests;

/// <summary>
/// <c>mandate policy test</c> and <c>policy explain</c> with <c>delegators:</c>: a sub-agent's request is decided for
/// every agent up its chain, as the broker decides it (invariant 3), so a test cannot pass while the broker refuses.
/// </summary>
[Trait("Invariant", "3")]
public sealed class PolicyTestDelegationCommandTests
{
    private const string Executor = "spiffe://acme.example/agents/refund-executor";
    private const string Support = "spiffe://acme.example/agents/support";
    private static readonly string Examples = Path.Combine(AppContext.BaseDirectory, "examples", "policy-tests");

    [Fact]
    public async Task Invariant3_ShippedDelegationSuite_PassesNamingTheDelegatingAgent()
    {
        var (exit, output) = await CliRunner.RunAsync("policy", "test", Path.Combine(Examples, "delegation.yaml"));

        Assert.True(exit == 0, output);
        Assert.Contains($"PASS the executor may not read a refund of 5000, since the support agent may not (deny by none (default deny) of delegating agent '{Support}' (run 'run_support', depth 0))", output, StringComparison.Ordinal);
        Assert.Contains("3 cases: 3 passed, 0 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant3_CaseExpectingTheChildsOwnAllow_FailsWithExit1NamingTheParent()
    {
        using var dir = new TempFolder();
        File.Copy(Path.Combine(Examples, "policy.yaml"), Path.Combine(dir.Path, "policy.yaml"));
        dir.Write("child.yaml", $$"""
            policy: policy.yaml
            cases:
              - name: the executor reads a refund of 5000 (its parent may not)
                request: {agent: "{{Executor}}", tool: refunds, scopes: [refunds:read], tenant: acme, user: alice, user_tenant: acme,
                          authorization_details: [{type: refund, amount: 5000}], delegators: ["{{Support}}"]}
                expect: allow
            """);

        var (exit, output) = await CliRunner.RunAsync("policy", "test", dir.Path);

        Assert.True(exit == 1, output);
        Assert.Contains($"expected allow, got deny by none (default deny) of delegating agent '{Support}' (run 'run-d0', depth 0)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_SubAgentsRequest_PrintsEachDelegatorUnderItsHeadingThenTheCombinedDecision()
    {
        var (exit, output) = await CliRunner.RunAsync(
            "policy", "explain", "--policy", Path.Combine(Examples, "policy.yaml"), "--request", Path.Combine(Examples, "explain-delegated-request.yaml"));

        Assert.True(exit == 0, output);
        var caller = output.IndexOf($"calling agent {Executor} (run 'run-d1', depth 1)", StringComparison.Ordinal);
        var parent = output.IndexOf($"delegating agent {Support} (run 'run_support', depth 0)", StringComparison.Ordinal);
        var decision = output.IndexOf($"decision: deny by none (default deny) of delegating agent '{Support}'", StringComparison.Ordinal);
        Assert.True(caller >= 0 && parent > caller && decision > parent, output);
        Assert.Contains("its decision: allow by refund-executor-refunds", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("delegators: spiffe://acme.example/agents/support\n", "delegators must be a list")]
    [InlineData("delegators: [{run: run_support}]\n", "delegators[0] needs 'agent'")]
    [InlineData("delegators: [spiffe://acme.example/agents/support]\ndepth: 3\n", "line 6, column 8: depth 3 disagrees with delegators")]
    public async Task Explain_ChainUnreadable_ExitsTwoSayingWhy(string lines, string named)
    {
        using var dir = new TempFolder();
        var request = dir.Write("request.yaml", $"agent: {Executor}\ntool: refunds\nscopes: [refunds:read]\ntenant: acme\n" + lines);

        var (exit, output) = await CliRunner.RunAsync("policy", "explain", "--policy", Path.Combine(Examples, "policy.yaml"), "--request", request);

        Assert.True(exit == 2, output);
        Assert.Contains($"error: {request}: a value in the request cannot be read:", output, StringComparison.Ordinal);
        Assert.Contains(named, output, StringComparison.Ordinal);
        Assert.DoesNotContain("decision:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_DelegatorKeyMisspelt_ExitsTwoNamingTheKeyItsLineAndTheFix()
    {
        using var dir = new TempFolder();
        var request = dir.Write("request.yaml", $"agent: {Executor}\ntool: refunds\ndelegators:\n  - {{agent: {Support}, rn: run_support}}\n");

        var (exit, output) = await CliRunner.RunAsync("policy", "explain", "--policy", Path.Combine(Examples, "policy.yaml"), "--request", request);

        Assert.True(exit == 2, output);
        Assert.Contains("request.delegators[0]: unknown key 'rn' (did you mean 'run'?)", output, StringComparison.Ordinal);
    }
}
