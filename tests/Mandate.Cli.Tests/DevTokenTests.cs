namespace Mandate.Cli.Tests;

public sealed class DevTokenTests
{
    [Fact]
    public async Task DevToken_DevSignerIssuer_PrintsOneSignedJwtOnOneLine()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);

        var (exit, output) = await CliRunner.RunAsync("dev", "token", "-c", config, "--issuer", "workloads", "--sub", "spiffe://acme.example/agents/a");

        Assert.Equal(0, exit);
        var token = output.Trim();
        Assert.DoesNotContain('\n', token);
        Assert.Equal(3, token.Split('.').Length);
        Assert.True(File.Exists(Path.Combine(dir.Path, "data", "workloads.jwks.json")));
        if (!OperatingSystem.IsWindows())
        {
            // Before the broker ever ran, the data directory it creates is still the broker's own: 0700.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(dir.Path, "data")));
        }
    }

    [Fact]
    public async Task DevToken_IssuerWithoutDevSigner_ExitsTwoAndNamesTheDevIssuers()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);

        var (exit, output) = await CliRunner.RunAsync("dev", "token", "-c", config, "--issuer", "idp", "--sub", "alice");

        Assert.Equal(2, exit);
        Assert.Contains("not a dev_signer issuer", output);
        Assert.Contains("workloads", output);
    }

    [Theory]
    [InlineData("")]
    [InlineData("text that is no PEM block")]
    public async Task DevToken_IssuersKeyFileDamaged_ExitsTwoWithOneLineNamingTheFile(string damaged)
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        Assert.Equal(0, (await CliRunner.RunAsync("dev", "token", "-c", config, "--issuer", "workloads", "--sub", "spiffe://acme.example/agents/a")).ExitCode);
        var keyFile = Path.Combine(dir.Path, "data", "dev-issuers", "workloads.key.pem");
        File.WriteAllText(keyFile, damaged);

        var (exit, output) = await CliRunner.RunAsync("dev", "token", "-c", config, "--issuer", "workloads", "--sub", "spiffe://acme.example/agents/a");

        Assert.Equal(2, exit);
        Assert.Contains(keyFile, output);
        Assert.DoesNotContain("   at ", output); // one line, never a stack trace
    }

    [Fact]
    public async Task DevToken_BadTtl_ExitsTwo()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);

        var (exit, _) = await CliRunner.RunAsync("dev", "token", "-c", config, "--issuer", "workloads", "--sub", "spiffe://acme.example/agents/a", "--ttl", "soon");

        Assert.Equal(2, exit);
    }
}
