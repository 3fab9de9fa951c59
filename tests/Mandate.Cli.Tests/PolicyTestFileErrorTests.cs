namespace Mandate.Cli.Tests;

/// <summary>
/// <c>mandate policy test</c> is what teams put in CI: a test file it cannot read must fail the run
/// with its location, never be skipped into a green "passed".
/// </summary>
public sealed class PolicyTestFileErrorTests
{
    private const string Policy = """
        rules:
          - id: agents-read-crm
            reason: agents read the CRM
            effect: allow
            agents: [spiffe://acme.example/agents/a]
            tools: [crm]
            subject: agent
            tenant: any
        """;

    private const string GoodTests = """
        policy: policy.yaml
        cases:
          - name: agent reads the crm
            request: { agent: spiffe://acme.example/agents/a, tool: crm, tenant: acme, subject: agent }
            expect: allow
        """;

    [Theory]
    [InlineData("policy.yaml")]
    [InlineData("misspelt.yaml")]
    public async Task FileNamedDirectly_WithoutCases_ExitsTwoSayingWhatATestFileHolds(string file)
    {
        using var dir = new TempFolder();
        dir.Write("policy.yaml", Policy);
        dir.Write("misspelt.yaml", "policy: policy.yaml\ncase: []\n");

        var (exit, output) = await CliRunner.RunAsync("policy", "test", Path.Combine(dir.Path, file));

        Assert.True(exit == 2, output);
        Assert.Contains("has no top-level 'cases' list, so it is not a policy test file", output, StringComparison.Ordinal);
        Assert.Contains("mandate policy check", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PathThatDoesNotExist_ExitsTwoSayingSoInsteadOfNoTestFiles()
    {
        using var dir = new TempFolder();
        var missing = Path.Combine(dir.Path, "policy-tset");

        var (exit, output) = await CliRunner.RunAsync("policy", "test", missing);

        Assert.Equal(2, exit);
        Assert.Contains($"{missing}: no such file or folder", output, StringComparison.Ordinal);
        Assert.DoesNotContain("no test files found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant7_MisIndentedTestFileBesideAGoodOne_ExitsOneWithLocationAndFileCount()
    {
        using var dir = new TempFolder();
        dir.Write("policy.yaml", Policy);
        dir.Write("good.yaml", GoodTests);
        dir.Write("slip.yaml", """
            policy: policy.yaml
            cases:
              - name: agent reads the crm
                request: { agent: spiffe://acme.example/agents/a, tool: crm, tenant: acme, subject: agent }
              expect: allow
            """);

        var (exit, output) = await CliRunner.RunAsync("policy", "test", dir.Path);

        Assert.Equal(1, exit);
        Assert.Contains("slip.yaml:5:3: not valid YAML", output, StringComparison.Ordinal);
        Assert.Contains("check the indentation", output, StringComparison.Ordinal);
        Assert.Contains("1 of 2 test files loaded", output, StringComparison.Ordinal);
        Assert.Contains("1 test file could not be loaded", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("      scopes: [crm:read, crm:write\n")]
    [InlineData("      scopes: [crm:read, crm:write, tenant: acme }\n")]
    public async Task Invariant7_UnclosedBracketInTestFile_ExitsOneWithLocationInsteadOfCrashing(string line)
    {
        using var dir = new TempFolder();
        dir.Write("policy.yaml", Policy);
        var file = dir.Write("bracket.yaml", "policy: policy.yaml\ncases:\n  - name: x\n    request:\n      agent: spiffe://acme.example/agents/a\n" + line + "    expect: allow\n");

        // Named directly and found in a folder: both fail the same way.
        foreach (var target in new[] { file, dir.Path })
        {
            var (exit, output) = await CliRunner.RunAsync("policy", "test", target);

            Assert.Equal(1, exit);
            Assert.Matches(@"bracket\.yaml:\d+:\d+: not valid YAML", output);
            Assert.Contains("'['", output, StringComparison.Ordinal);
            Assert.Contains("0 of 1 test file loaded", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PolicyFileBesideTests_IsNotCountedAsATestFile()
    {
        using var dir = new TempFolder();
        dir.Write("policy.yaml", Policy);
        dir.Write("good.yaml", GoodTests);

        var (exit, output) = await CliRunner.RunAsync("policy", "test", dir.Path);

        Assert.Equal(0, exit);
        Assert.Contains("1 of 1 test file loaded; 1 case: 1 passed, 0 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant7_ExplainWithMalformedRequestFile_ExitsTwoWithLocation()
    {
        using var dir = new TempFolder();
        var policy = dir.Write("policy.yaml", Policy);
        var request = dir.Write("request.yaml", "agent: spiffe://acme.example/agents/a\nscopes: [a, b\n");

        var (exit, output) = await CliRunner.RunAsync("policy", "explain", "--policy", policy, "--request", request);

        Assert.Equal(2, exit);
        Assert.Matches(@"request\.yaml:2:\d+: not valid YAML", output);
    }
}
