namespace Mandate.Cli.Tests;

public sealed class PolicyTestCommandTests
{
    private static readonly string Examples = Path.Combine(AppContext.BaseDirectory, "examples", "policy-tests");

    [Fact]
    public async Task The_shipped_boundary_suite_passes()
    {
        var (exit, output) = await CliRunner.RunAsync("policy", "test", Examples);

        Assert.Equal(0, exit);
        Assert.Contains("research agent fails when it asks for write", output, StringComparison.Ordinal);
        Assert.Contains("0 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_case_exits_1_and_says_what_differed()
    {
        using var dir = new TempFolder();
        File.Copy(Path.Combine(Examples, "policy.yaml"), Path.Combine(dir.Path, "policy.yaml"));
        dir.Write("wrong.yaml", """
            policy: policy.yaml
            cases:
              - name: research agent may write (it may not)
                request: {agent: "spiffe://acme.example/agents/research/market", tool: crm, scopes: [crm:write], tenant: acme, user: alice}
                expect: allow
            """);

        var (exit, output) = await CliRunner.RunAsync("policy", "test", dir.Path);

        Assert.Equal(1, exit);
        Assert.Contains("FAIL", output, StringComparison.Ordinal);
        Assert.Contains("expected allow, got deny", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_shows_the_failed_condition_and_the_decision()
    {
        var (exit, output) = await CliRunner.RunAsync(
            "policy", "explain", "--policy", Path.Combine(Examples, "policy.yaml"), "--request", Path.Combine(Examples, "explain-request.yaml"));

        Assert.Equal(0, exit);
        Assert.Contains("fail when:", output, StringComparison.Ordinal);
        Assert.Contains("decision: deny", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("now: yesterday", "'yesterday'")]
    [InlineData("rate_counts: { refunds: many }", "'many'")]
    [InlineData("sender_constraint: carrier-pigeon", "sender_constraint 'carrier-pigeon' must be bearer, mtls or dpop")]
    public async Task Explain_RequestValueUnreadable_ExitsTwoNamingTheFileAndValue(string line, string named)
    {
        using var dir = new TempFolder();
        var request = dir.Write("request.yaml", "agent: spiffe://acme.example/agents/support\ntool: refunds\n" + line + "\n");

        var (exit, output) = await CliRunner.RunAsync("policy", "explain", "--policy", Path.Combine(Examples, "policy.yaml"), "--request", request);

        Assert.True(exit == 2, output);
        Assert.Contains($"error: {request}: a value in the request cannot be read:", output, StringComparison.Ordinal);
        Assert.Contains(named, output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_RequestKeyMisspelt_ExitsTwoNamingTheKeyItsLineAndTheFix()
    {
        using var dir = new TempFolder();
        var request = dir.Write("request.yaml", "agent: spiffe://acme.example/agents/support\ntool: refunds\nscopes: [refunds:write]\ntenant: acme\nusr: alice\n");

        var (exit, output) = await CliRunner.RunAsync("policy", "explain", "--policy", Path.Combine(Examples, "policy.yaml"), "--request", request);

        Assert.True(exit == 2, output);
        Assert.Contains($"error: {request}:5:1: request: unknown key 'usr' (did you mean 'user'?)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("decision:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_CaseRequestKeyMisspelt_FailsTheFileInsteadOfTestingBackgroundWork()
    {
        using var dir = new TempFolder();
        File.Copy(Path.Combine(Examples, "policy.yaml"), Path.Combine(dir.Path, "policy.yaml"));
        var file = dir.Write("tenant.yaml", """
            policy: policy.yaml
            cases:
              - name: refund agent fails against the wrong tenant
                request: {agent: "spiffe://acme.example/agents/support", tool: refunds, scopes: [refunds:write], tenant: globex, usr: alice, user_tenant: acme}
                expect: deny
            """);

        var (exit, output) = await CliRunner.RunAsync("policy", "test", file);

        Assert.True(exit == 1, output);
        Assert.Contains("request: unknown key 'usr' (did you mean 'user'?)", output, StringComparison.Ordinal);
        Assert.Contains("0 of 1 test file loaded", output, StringComparison.Ordinal);
        Assert.DoesNotContain("PASS", output, StringComparison.Ordinal);
    }
}
