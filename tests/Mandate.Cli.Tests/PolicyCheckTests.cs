namespace Mandate.Cli.Tests;

public sealed class PolicyCheckTests
{
    [Fact]
    public async Task PolicyCheck_ExamplePolicy_ExitsZeroAndPrintsVersion()
    {
        var (exit, output) = await CliRunner.RunAsync("policy", "check", Path.Combine(AppContext.BaseDirectory, "examples", "policy.yaml"));

        Assert.Equal(0, exit);
        Assert.Contains("valid", output);
        Assert.Matches("sha256:[0-9a-f]{64}", output);
        Assert.Contains("support-refunds-own-tenant", output);
    }

    [Fact]
    public async Task PolicyCheck_FileWithSeveralProblems_ExitsOneAndListsEachWithItsLine()
    {
        using var dir = new TempFolder();
        var file = dir.Write("policy.yaml", """
            rules:
              - id: a
                reason: r
                effect: permit
                agents: ["spiffe://acme.example/x"]
                tools: [t]
              - id: a
                reason: r
                effect: allow
                agents: ["not-a-spiffe-id"]
                tools: [t]
                max_lifetime: forever
            """);

        var (exit, output) = await CliRunner.RunAsync("policy", "check", file);

        Assert.Equal(1, exit);
        Assert.Contains("policy.yaml:4:", output);
        Assert.Contains("policy.yaml:7:", output);
        Assert.Contains("policy.yaml:12:", output);
    }

    [Fact]
    public async Task PolicyCheck_MissingFile_ExitsTwo()
    {
        var (exit, output) = await CliRunner.RunAsync("policy", "check", "/nonexistent/policy.yaml");

        Assert.Equal(2, exit);
        Assert.Contains("policy file: /nonexistent/policy.yaml does not exist", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyCheck_FolderInPlaceOfTheFile_ExitsTwoSayingItIsAFolder()
    {
        using var dir = new TempFolder();

        var (exit, output) = await CliRunner.RunAsync("policy", "check", dir.Path);

        Assert.Equal(2, exit);
        Assert.Contains($"policy file: {dir.Path} is a folder; give the file itself", output, StringComparison.Ordinal);
    }
}
