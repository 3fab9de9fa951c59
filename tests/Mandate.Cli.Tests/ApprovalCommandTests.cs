namespace Mandate.Cli.Tests;

/// <summary><c>mandate approvals list</c> against a real broker over its admin socket.</summary>
public sealed class ApprovalCommandTests
{
    [Theory]
    [InlineData(new string[0], "no pending approvals; --status all lists every one")]
    [InlineData(new[] { "--status", "denied" }, "no denied approvals; --status all lists every one")]
    [InlineData(new[] { "--status", "all" }, "no approvals")]
    public async Task ApprovalsList_NoneMatch_SaysSoInsteadOfAnEmptyTable(string[] status, string expected)
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await using var app = await TestBroker.StartAsync(config);

        var (exit, output) = await CliRunner.RunAsync(["approvals", "list", "-c", config, .. status]);

        Assert.True(exit == 0, output);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("│ id", output, StringComparison.Ordinal);
    }
}
