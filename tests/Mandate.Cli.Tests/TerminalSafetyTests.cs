using Mandate.Core.Audit;

namespace Mandate.Cli.Tests;

/// <summary>
/// Text an agent chose (a tool name, a reason) reaches an operator's terminal through the audit trail; control and
/// bidirectional-override characters in it are shown, never interpreted.
/// </summary>
public sealed class TerminalSafetyTests
{
    private const string Hostile = "refunds\u001b[2J\u001b]0;pwned\u0007\nfake #9 allow\u202Egnp.exe";

    [Fact]
    public async Task AuditQuery_ToolAndReasonWithControlCharacters_PrintsThemEscapedOnOneLine()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await TestStore.WriteAsync(dir, new AuditEvent
        {
            Kind = AuditKinds.Decision, Time = DateTimeOffset.UtcNow, Outcome = "deny", Agent = "spiffe://acme.example/agents/a",
            Tool = Hostile, Reason = Hostile, User = "alice", Tenant = "acme",
        });

        var (exit, output) = await CliRunner.RunAsync("audit", "query", "-c", config);

        Assert.Equal(0, exit);
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\u0007', output);
        Assert.DoesNotContain('\u202E', output);
        Assert.Contains("refunds\\u001B[2J\\u001B]0;pwned\\u0007\\u000Afake #9 allow\\u202Egnp.exe", output, StringComparison.Ordinal);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => line.Contains("#1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuditTrace_EndReasonAndByWithControlCharactersInAnOldRecord_PrintsThemEscaped()
    {
        // Written before the broker refused such text (OperatorText): the trail keeps it, so its readers must show it safely.
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var now = DateTimeOffset.UtcNow;
        await TestStore.WriteAsync(
            dir,
            new AuditEvent { Kind = AuditKinds.Decision, Time = now, Outcome = "allow", Agent = "spiffe://acme.example/agents/a", Run = "run_1", Tenant = "acme" },
            new AuditEvent
            {
                Kind = AuditKinds.Run, Time = now, Outcome = "ended", Agent = "spiffe://acme.example/agents/a", Run = "run_1", Tenant = "acme",
                Reason = Hostile, Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["ended_by"] = Hostile },
            });

        var (exit, output) = await CliRunner.RunAsync("audit", "trace", "-c", config, "--run", "run_1");

        Assert.True(exit == 0, output);
        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\u0007', output);
        Assert.DoesNotContain('\u202E', output);
        Assert.Contains("pwned\\u0007\\u000Afake", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditQuery_KindAndOutcomeFromAnEditedStore_PrintedEscapedNotReadAsMarkup()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await TestStore.WriteAsync(dir, new AuditEvent
        {
            Kind = "decision[/]\u001b[2J", Time = DateTimeOffset.UtcNow, Outcome = "[green]allow", User = "alice",
        });

        var (exit, output) = await CliRunner.RunAsync("audit", "query", "-c", config);

        Assert.Equal(0, exit);
        Assert.DoesNotContain('\u001b', output);
        Assert.Contains("decision[/]\\u001B[2J", output, StringComparison.Ordinal);
        Assert.Contains("[green]allow", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain [brackets]", "plain [[brackets]]")]
    [InlineData("tab\there", "tab\\u0009here")]
    [InlineData("del\u007f", "del\\u007F")]
    [InlineData("c1\u009b", "c1\\u009B")]
    [InlineData("isolate\u2066x\u2069", "isolate\\u2066x\\u2069")]
    [InlineData("", "")]
    public void Escape_ShowsUnsafeCharactersAndEscapesMarkup(string text, string shown)
    {
        Assert.Equal(shown, Commands.Output.Escape(text));
    }

    [Theory]
    [InlineData("2026-12-05T11:02:47.8124395+00:00", "2026-12-05 11:02:47Z")]
    [InlineData("2026-12-05T12:02:47+01:00", "2026-12-05 11:02:47Z")]
    [InlineData("not a time [x]", "not a time [[x]]")]
    public void Time_OneFormInEveryTable(string value, string shown)
    {
        Assert.Equal(shown, Commands.Output.Time(value));
    }
}
