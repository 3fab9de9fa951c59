using Mandate.Core.Approvals;
using Mandate.Core.Storage;

namespace Mandate.Cli.Tests;

/// <summary><c>mandate approvals approve</c> against a real broker over its admin socket.</summary>
public sealed class ApprovalDecideCommandTests
{
    [Fact]
    public async Task Invariant6_ApprovalsApprove_UserRevokedSinceAsked_ExitsOneSayingWithdrawnAndNothingIssued()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await using var app = await TestBroker.StartAsync(config);
        var asked = DateTimeOffset.UtcNow.AddMinutes(-1);
        await app.Runtime.Store.CommitAsync(new StoreBatch(Pending("areq_cli_1", asked)), CancellationToken.None);
        Assert.Equal(0, (await CliRunner.RunAsync("revoke", "-c", config, "--user", "alice")).ExitCode);

        var (exit, output) = await CliRunner.RunAsync("approvals", "approve", "areq_cli_1", "-c", config);

        Assert.True(exit == 1, output);
        Assert.Contains("approval 'areq_cli_1' was withdrawn, not approved", output, StringComparison.Ordinal);
        Assert.Contains("user revocation", output, StringComparison.Ordinal);
        Assert.Contains("nothing will be issued for it", output, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Withdrawn, (await app.Runtime.Store.GetApprovalAsync("areq_cli_1", CancellationToken.None))!.Status);
    }

    private static Approval Pending(string id, DateTimeOffset asked) => new()
    {
        Id = id,
        Status = ApprovalStatus.Pending,
        Agent = "spiffe://acme.example/agents/a",
        Run = "run_cli_1",
        Tool = "refunds",
        Tenant = "acme",
        User = "alice",
        Scope = "refunds:write",
        AuthorizationDetails = "[]",
        BindingHash = "cli-binding",
        BindingMessage = "agent 'spiffe://acme.example/agents/a' requests refunds:write on tool 'refunds' in tenant 'acme' for user 'alice'",
        Rule = "big-refunds",
        PolicyVersion = "sha256:00",
        DecisionId = "dec_cli_1",
        LifetimeSeconds = 300,
        CreatedAt = asked,
        ExpiresAt = asked.AddMinutes(10),
    };
}
