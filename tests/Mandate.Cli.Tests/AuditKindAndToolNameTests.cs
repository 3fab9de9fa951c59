using Mandate.Core.Audit;

namespace Mandate.Cli.Tests;

/// <summary>Names an operator types are checked against what exists: audit kinds in queries, tool names in policy rules.</summary>
public sealed class AuditKindAndToolNameTests
{
    private const string PolicyNamingCrn = """
        rules:
          - id: agents-read-crm
            reason: agents read the CRM
            effect: allow
            agents: [spiffe://acme.example/agents/a]
            tools: [crm, crn]
            subject: agent
            tenant: any
        """;

    [Fact]
    public async Task Invariant7_AuditQueryUnknownKind_IsRefusedListingTheKinds()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);

        var (exit, output) = await CliRunner.RunAsync("audit", "query", "-c", config, "--kind", "bogus");

        Assert.NotEqual(0, exit);
        Assert.Contains("no audit record kind is called 'bogus'", output, StringComparison.Ordinal);
        Assert.Contains(string.Join(", ", AuditKindCatalog.All), output, StringComparison.Ordinal);
        Assert.DoesNotContain("no matching records", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant7_AuditQueryMistypedKind_SuggestsTheKindMeant()
    {
        var (exit, output) = await CliRunner.RunAsync("audit", "query", "--kind", "isuance");

        Assert.NotEqual(0, exit);
        Assert.Contains("did you mean 'issuance'?", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditQueryHelp_ListsEveryKindThatExists()
    {
        var (_, output) = await CliRunner.RunAsync("audit", "query", "--help");
        var help = string.Join(' ', output.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));

        // Kinds from each place kinds are defined, including the ones the old hand-written list missed.
        Assert.Contains(AuditKinds.ShadowDecision, AuditKindCatalog.All);
        Assert.Contains(EgressAuditKinds.ProxyCall, AuditKindCatalog.All);
        Assert.Contains(Core.Spiffe.SpiffeAuditKinds.Svid, AuditKindCatalog.All);
        foreach (var kind in AuditKindCatalog.All)
        {
            Assert.Contains(kind, help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Invariant1_PolicyCheckWithConfiguration_RefusesARuleNamingAnUnknownToolWithDidYouMean()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var policy = dir.Write("typo.yaml", PolicyNamingCrn);

        var (exit, output) = await CliRunner.RunAsync("policy", "check", "-c", config, policy);

        Assert.Equal(1, exit);
        Assert.Contains("typo.yaml:6:18: rules[0].tools[1]: tool 'crn' is not configured (did you mean 'crm'?)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyCheckWithoutConfiguration_SaysToolNamesWereNotChecked()
    {
        using var dir = new TempFolder();
        var policy = dir.Write("typo.yaml", PolicyNamingCrn);
        var saved = Environment.GetEnvironmentVariable("MANDATE_CONFIG");
        Environment.SetEnvironmentVariable("MANDATE_CONFIG", null);
        try
        {
            var (exit, output) = await CliRunner.RunAsync("policy", "check", policy);

            Assert.Equal(0, exit);
            Assert.Contains("tool names not checked", output, StringComparison.Ordinal);
            Assert.Contains("-c", output, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MANDATE_CONFIG", saved);
        }
    }

    [Fact]
    public async Task Invariant1_ServeWithAPolicyNamingAnUnknownTool_RefusesToStart()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        dir.Write("policy.yaml", PolicyNamingCrn);

        var (exit, output) = await CliRunner.RunAsync("serve", "-c", config, "--listen", "http://127.0.0.1:0");

        Assert.Equal(2, exit);
        Assert.Contains("tool 'crn' is not configured (did you mean 'crm'?)", output, StringComparison.Ordinal);
    }
}
