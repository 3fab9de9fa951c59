using Mandate.Core.Audit;
using Mandate.Core.Storage;

namespace Mandate.Cli.Tests;

public sealed class RevokeCommandTests
{
    [Fact]
    public async Task Revoke_NoTarget_ExitsTwoAndSaysWhichOptionsExist()
    {
        var (exit, output) = await CliRunner.RunAsync("revoke");

        Assert.Equal(2, exit);
        Assert.Contains("--jti, --run, --agent, --tenant or --user", output);
        // docs/cli.md, usage errors: one error line and where to find help.
        Assert.Contains("run 'mandate revoke --help' for usage and options", output);
    }

    [Fact]
    public async Task Revoke_TwoTargets_ExitsTwo()
    {
        var (exit, output) = await CliRunner.RunAsync("revoke", "--jti", "a", "--agent", "b");

        Assert.Equal(2, exit);
        Assert.Contains("run 'mandate revoke --help' for usage and options", output);
    }

    [Fact]
    public async Task Revoke_BrokerNotRunning_ExitsThreeAndNamesTheSocket()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);

        var (exit, output) = await CliRunner.RunAsync("revoke", "-c", config, "--jti", "jti_x");

        Assert.Equal(3, exit);
        Assert.Contains("admin socket", output);
    }

    [Theory]
    [InlineData("--run", "run_never_used")]
    [InlineData("--user", "nobody@acme.example")]
    [InlineData("--tenant", "no-such-tenant")]
    public async Task Revoke_ValueNoAuditRecordCarries_RevokesAndNotesIt(string option, string value)
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await using var app = await TestBroker.StartAsync(config);

        var (exit, output) = await CliRunner.RunAsync("revoke", "-c", config, option, value);

        // The revocation stands: a run id, user or tenant may be revoked before its first use.
        Assert.True(exit == 0, output);
        Assert.Contains("revoked and recorded", output, StringComparison.Ordinal);
        Assert.Contains($"no audit record carries {option[2..]} {value}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_RunTheTrailCarries_NoNote()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await using var app = await TestBroker.StartAsync(config);
        await app.Runtime.Store.CommitAsync(
            new StoreBatch([new AuditEvent { Kind = AuditKinds.Decision, Time = DateTimeOffset.UtcNow, Outcome = "allow", Run = "run_used", Tenant = "acme" }]),
            CancellationToken.None);

        var (exit, output) = await CliRunner.RunAsync("revoke", "-c", config, "--run", "run_used");

        Assert.True(exit == 0, output);
        Assert.DoesNotContain("note:", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--jti")]
    [InlineData("--user")]
    [InlineData("--run")]
    public async Task Invariant8_Revoke_WholeTokenInPlaceOfAnId_ExitsTwoAndNeverReachesTheAuditTrail(string option)
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await using var app = await TestBroker.StartAsync(config);
        var (_, token) = await CliRunner.RunAsync("dev", "token", "-c", config, "--issuer", "workloads", "--sub", "spiffe://acme.example/agents/a");
        token = token.Trim();

        var (exit, output) = await CliRunner.RunAsync("revoke", "-c", config, option, token);

        Assert.True(exit == 2, output);
        Assert.Contains($"error: {option} was given a whole token, not an id", output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, output, StringComparison.Ordinal);
        var (_, trail) = await CliRunner.RunAsync("audit", "query", "-c", config, "--kind", "revocation", "--json");
        Assert.DoesNotContain(token.Split('.')[1], trail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_TenantWithDots_IsNotTakenForAToken()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await using var app = await TestBroker.StartAsync(config);

        var (exit, output) = await CliRunner.RunAsync("revoke", "-c", config, "--tenant", "eu.acme.example");

        Assert.True(exit == 0, output);
    }
}
