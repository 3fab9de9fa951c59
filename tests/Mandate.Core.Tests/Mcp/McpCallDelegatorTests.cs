using Mandate.Core.Mcp;
using static Mandate.Core.Tests.Mcp.McpFixture;

namespace Mandate.Core.Tests.Mcp;

/// <summary>
/// Invariant 3 fails closed: a credential whose signed chain names a delegator, but whose run the store does not hold with
/// that chain, is refused every call and shown no tool, since its delegating agents cannot be asked.
/// </summary>
[Trait("Invariant", "3")]
public sealed class McpCallDelegatorTests
{
    private const string Orchestrator = "spiffe://acme.example/agents/orchestrator";

    [Fact]
    public async Task Invariant3_ChildRunNotRecorded_CallIsRefusedAsDelegatorNotAllowedAndNothingIsWritten()
    {
        await using var f = await new McpFixture().MigrateAsync();
        var child = f.Caller with { Actors = [Orchestrator, Support] };

        var decision = await f.DecideAsync(Call("lookup_order", """{"order":"o-1"}"""), child);

        Assert.Equal((McpCallVerdict.Denied, McpCallChecks.DelegatorNotAllowed), (decision.Verdict, decision.CheckId));
        Assert.Contains($"run '{child.Run}' is not recorded", decision.Description, StringComparison.Ordinal);
        Assert.Empty(await f.AuditAsync());
    }

    [Fact]
    public async Task Invariant3_ChildRunNotRecorded_ToolsListShowsNothing()
    {
        await using var f = await new McpFixture().MigrateAsync();

        var mayList = await f.CallPolicy.ListFilterAsync(f.Caller with { Actors = [Orchestrator, Support] }, "payments-mcp", CancellationToken.None);

        Assert.False(mayList("lookup_order"));
    }

    [Fact]
    public async Task RootRunCredential_IsDecidedWithoutReadingARun()
    {
        await using var f = await new McpFixture().MigrateAsync();

        // No run is recorded for the caller's run: a root run's call never looks one up.
        var decision = await f.DecideAsync(Call("lookup_order", """{"order":"o-1"}"""), f.Caller with { Actors = [Support] });

        Assert.Equal(McpCallVerdict.Allowed, decision.Verdict);
        Assert.Empty(decision.Delegators);
    }
}
