namespace Mandate.Cli.Tests;

/// <summary>
/// Invariant 8 in the CLI: <c>--reason</c> and <c>--approver</c> are kept for good by the audit trail, so a token, a
/// control or format character or more than 500 characters is a usage error (exit 2) before anything is sent, naming the
/// option and the rule and never printing the value. No broker runs here: a value that were sent would exit 3.
/// </summary>
[Trait("Invariant", "8")]
public sealed class OperatorTextOptionTests
{
    private const string Jwt = "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz";

    public static TheoryData<string> Commands => new()
    {
        "revoke --user alice --reason",
        "agents disable spiffe://acme.example/agents/a --reason",
        "agents enable spiffe://acme.example/agents/a --reason",
        "runs end run_1 --reason",
        "approvals approve areq_1 --reason",
        "approvals deny areq_1 --approver",
        "entries delete ent_1 --reason",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Invariant8_RecordedTextHoldingABearerToken_ExitsTwoBeforeSendingAndNeverPrintsIt(string command)
    {
        var (exit, output) = await RunAsync(command, "Bearer " + Jwt);

        Assert.True(exit == 2, output);
        var option = command.Split(' ')[^1];
        Assert.Contains($"error: {option} holds a whole token", output, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("done\u001b[2J\u001b[H")]
    [InlineData("line one\nkind=issuance")]
    [InlineData("ecila\u202Eevil")]
    public async Task Invariant8_ReasonWithControlOrFormatCharacters_ExitsTwoBeforeSending(string reason)
    {
        var (exit, output) = await RunAsync("runs end run_1 --reason", reason);

        Assert.True(exit == 2, output);
        Assert.Contains("error: --reason holds a control or format character", output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[2J", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant8_ReasonOver500Characters_ExitsTwoRefusedNotCut()
    {
        var (exit, output) = await RunAsync("revoke --user alice --reason", new string('r', 501));

        Assert.True(exit == 2, output);
        Assert.Contains("error: --reason is 501 characters long", output, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string command, string text)
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        return await CliRunner.RunAsync([.. command.Split(' '), text, "-c", config]);
    }
}
