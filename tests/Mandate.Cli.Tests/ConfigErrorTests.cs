namespace Mandate.Cli.Tests;

public sealed class ConfigErrorTests
{
    [Fact]
    public async Task Serve_InvalidConfiguration_ExitsTwoAndListsEveryProblemWithItsLocation()
    {
        using var dir = new TempFolder();
        var config = dir.Write("mandate.yaml", """
            trust_domian: acme.example
            policy: policy.yaml
            lifetimes: { default: 20m, max: 10m }
            issuers:
              - { name: w, kind: workload, issuer: https://w.example, jwks_file: w.json, algorithms: [HS256] }
            agents:
              - { id: acme/support, tenants: [acme], tools: [nope] }
            """);

        var (exit, output) = await CliRunner.RunAsync("serve", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("mandate.yaml:1:1: trust_domian: unknown key", output);
        Assert.Contains("trust_domain: is required", output);
        Assert.Contains("HS256", output);
        Assert.Contains("'acme/support' is not a SPIFFE ID", output);
        Assert.Contains("tool 'nope' is not defined", output);
        Assert.Contains("exceeds max", output);
    }

    [Fact]
    public async Task Serve_MisspeltTrustDomain_ReportsTheTypoWithoutBlamingEveryAgent()
    {
        using var dir = new TempFolder();
        dir.Write("policy.yaml", "rules: []\n");
        var config = dir.Write("mandate.yaml", """
            trust_domian: acme.example
            policy: policy.yaml
            issuers:
              - { name: w, kind: workload, issuer: https://w.example, jwks_file: w.json }
            agents:
              - { id: spiffe://acme.example/agents/a, tenants: [acme] }
              - { id: spiffe://acme.example/agents/b, tenants: [acme] }
            """);

        var (exit, output) = await CliRunner.RunAsync("serve", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("trust_domian: unknown key (did you mean 'trust_domain'?)", output);
        Assert.DoesNotContain("outside the trust domain", output);
    }

    [Fact]
    public async Task Serve_LimitOutOfRange_ExitsTwoWithOneErrorNamingTheKeyAndRange()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        File.AppendAllText(config, "\nlimits:\n  max_connections: 0\n");

        var (exit, output) = await CliRunner.RunAsync("serve", "--config", config);

        Assert.Equal(2, exit);
        Assert.Single(output.Split('\n'), l => l.Contains("error:", StringComparison.Ordinal));
        Assert.Contains("limits.max_connections: must be a whole number from 1 to 1000000", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_MissingConfiguration_ExitsTwo()
    {
        var (exit, output) = await CliRunner.RunAsync("serve", "--config", "/nonexistent/mandate.yaml");

        Assert.Equal(2, exit);
        Assert.Contains("configuration file not found", output);
    }

    [Fact]
    public async Task Invariant7_MissingConfigurationByRelativePath_NamesTheAbsolutePathAndHowToPointAtTheFile()
    {
        using var dir = new TempFolder();
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), Path.Combine(dir.Path, "absent.yaml"));

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", relative);

        Assert.Equal(2, exit);
        Assert.Contains(Path.Combine(dir.Path, "absent.yaml") + ": configuration file not found", output);
        Assert.Contains("-c", output);
        Assert.Contains("MANDATE_CONFIG", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Theory]
    [InlineData("serve")]
    [InlineData("audit verify")]
    [InlineData("audit query")]
    [InlineData("revoke --jti x")]
    public async Task Invariant7_UnclosedBracketInConfiguration_ReportsFileLineColumnInsteadOfAStackTrace(string command)
    {
        using var dir = new TempFolder();
        var config = dir.Write("mandate.yaml", """
            trust_domain: acme.example
            policy: policy.yaml
            tools:
              - name: crm
                resource: https://crm.acme.example
                scopes: [a, b
            """);

        var (exit, output) = await CliRunner.RunAsync([.. command.Split(' '), "-c", config]);

        Assert.Equal(2, exit);
        Assert.Contains("mandate.yaml:6:13: not valid YAML: this '[' is never closed", output);
        Assert.Contains("not valid YAML", output);
        Assert.Contains("'['", output);
        Assert.DoesNotContain("YamlDotNet", output);
        Assert.DoesNotContain("   at ", output);
    }

    [Fact]
    public async Task Invariant7_ConfigurationTypos_GetDidYouMeanSortedByLine()
    {
        using var dir = new TempFolder();
        var config = dir.Write("mandate.yaml", """
            trust_domain: acme.example
            policy: policy.yaml
            lifetimes: { defualt: 5m }
            issuers:
              - { name: w, kind: workload, issuer: https://w.example, jwks_file: w.json, algorithm: [ES256] }
            tools:
              - { name: crm, resource: https://crm.acme.example, scopes: [crm:read] }
            agents:
              - { id: spiffe://acme.example/a, tenants: [acme], tools: [crn] }
            polcy_reload: true
            """);

        var (exit, output) = await CliRunner.RunAsync("serve", "-c", config);

        Assert.Equal(2, exit);
        var lines = output.Split('\n').Where(l => l.Contains("mandate.yaml:", StringComparison.Ordinal)).ToList();
        Assert.Contains(lines, l => l.Contains("mandate.yaml:3:", StringComparison.Ordinal) && l.Contains("lifetimes.defualt: unknown key (did you mean 'default'?)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("mandate.yaml:5:", StringComparison.Ordinal) && l.Contains("issuers[0].algorithm: unknown key (did you mean 'algorithms'?)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("tool 'crn' is not defined under tools; did you mean 'crm'?", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("mandate.yaml:10:", StringComparison.Ordinal) && l.Contains("polcy_reload: unknown key", StringComparison.Ordinal));
        var numbers = lines.Select(l => int.Parse(System.Text.RegularExpressions.Regex.Match(l, @"mandate\.yaml:(\d+):").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(numbers.Order(), numbers);
    }

    [Fact]
    public async Task QuickstartConfiguration_Parses()
    {
        var (exit, output) = await CliRunner.RunAsync("policy", "check", Path.Combine(AppContext.BaseDirectory, "examples", "policy.yaml"));
        Assert.Equal(0, exit);
        Assert.NotNull(Core.Configuration.ConfigLoader.LoadFile(Path.Combine(AppContext.BaseDirectory, "examples", "mandate.yaml")));
        Assert.DoesNotContain("error", output);
    }
}
