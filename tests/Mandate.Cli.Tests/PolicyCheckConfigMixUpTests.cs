namespace Mandate.Cli.Tests;

/// <summary>A broker configuration handed to the policy commands: named as such, with the policy file it points to.</summary>
public sealed class PolicyCheckConfigMixUpTests
{
    [Fact]
    public async Task PolicyCheck_QuickstartConfig_SaysItIsABrokerConfigurationAndNamesItsPolicyFile()
    {
        var config = Path.Combine(AppContext.BaseDirectory, "examples", "mandate.yaml");

        var (exit, output) = await CliRunner.RunAsync("policy", "check", config);

        Assert.Equal(2, exit);
        Assert.Contains($"{config} is a broker configuration", output, StringComparison.Ordinal);
        Assert.Contains("'mandate policy check' takes the policy file", output, StringComparison.Ordinal);
        Assert.Contains($"this configuration's policy file is {Path.Combine(AppContext.BaseDirectory, "examples", "policy.yaml")}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("unknown key", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyCheck_ConfigWithPolicyInASubfolder_NamesThePathRelativeToTheConfiguration()
    {
        using var dir = new TempFolder();
        var config = dir.Write("mandate.yaml", "trust_domain: acme.example\npolicy: policies/main.yaml\nissuers: []\n");

        var (_, output) = await CliRunner.RunAsync("policy", "check", config);

        Assert.Contains($"this configuration's policy file is {Path.Combine(dir.Path, "policies", "main.yaml")}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyCheck_ConfigWithoutPolicyKey_SaysItNamesNone()
    {
        using var dir = new TempFolder();
        var config = dir.Write("mandate.yaml", "trust_domain: acme.example\nlisten: http://127.0.0.1:8080\n");

        var (exit, output) = await CliRunner.RunAsync("policy", "check", config);

        Assert.Equal(2, exit);
        Assert.Contains("is a broker configuration (it has trust_domain, listen)", output, StringComparison.Ordinal);
        Assert.Contains("names none (its 'policy' key)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyCheck_PolicyWithOneStrayKey_IsStillCheckedAsAPolicy()
    {
        using var dir = new TempFolder();
        var policy = dir.Write("policy.yaml", "rules: []\nagents: []\n");

        var (exit, output) = await CliRunner.RunAsync("policy", "check", policy);

        Assert.Equal(1, exit);
        Assert.Contains("unknown key 'agents'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("broker configuration", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyExplain_ConfigAsPolicy_SaysItIsABrokerConfiguration()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var request = dir.Write("request.yaml", "agent: spiffe://acme.example/agents/a\ntool: crm\n");

        var (exit, output) = await CliRunner.RunAsync("policy", "explain", "--policy", config, "--request", request);

        Assert.Equal(2, exit);
        Assert.Contains("'mandate policy explain --policy' takes the policy file", output, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(dir.Path, "policy.yaml"), output, StringComparison.Ordinal);
    }
}
