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
    public async Task Serve_MissingConfiguration_ExitsTwo()
    {
        var (exit, output) = await CliRunner.RunAsync("serve", "--config", "/nonexistent/mandate.yaml");

        Assert.Equal(2, exit);
        Assert.Contains("configuration file not found", output);
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
