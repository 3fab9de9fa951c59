using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Resolution;
using Mandate.Core.Runs;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;

namespace Mandate.Core.Tests.Stages;

/// <summary>
/// Invariant 3: an agent's <c>sub_agents</c> names who may act below it. The Resolve stage asks it of every link of a
/// run's chain on every request in a child run, so a registration that drops a sub-agent (read at the next start) stops
/// that sub-agent's runs as well as new delegations.
/// </summary>
[Trait("Invariant", "3")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync")]
public sealed class SubAgentRegistrationTests : IAsyncLifetime
{
    private StageFixture _f = new();

    public async Task InitializeAsync() => _f = await _f.MigrateAsync();

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task Invariant3_CredentialInAChildRunWhoseParentNoLongerNamesItsAgent_RefusedSubAgentNotAllowed()
    {
        var result = await ResolveWith(subAgents: []).CredentialPlacementAsync(StageFixture.Request(), _f.Actor(StageFixture.Executor), ChildRun(), CancellationToken.None);

        Assert.True(result.Failed(out var error, out _));
        Assert.Equal((ResolveChecks.SubAgentNotAllowed.Id, E.InvalidRequest), (error.CheckId, error.Error));
        Assert.Contains($"'{StageFixture.Executor}' may not act as a sub-agent of '{StageFixture.Support}'", error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Invariant3_RenewingAChildRunWhoseParentNoLongerNamesItsAgent_RefusedSubAgentNotAllowed()
    {
        var child = ChildRun();

        var result = ResolveWith(subAgents: []).Envelope(StageFixture.Request(), _f.Actor(StageFixture.Executor), child.Run!.Run, Placed(child.Run.Run));

        Assert.True(result.Failed(out var error, out _));
        Assert.Equal(ResolveChecks.SubAgentNotAllowed.Id, error.CheckId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ChildRunOfAParentNamingItsAgentOrNamingNone_IsPlaced(bool named)
    {
        var resolve = ResolveWith(subAgents: named ? [StageFixture.Executor] : null);

        var result = await resolve.CredentialPlacementAsync(StageFixture.Request(), _f.Actor(StageFixture.Executor), ChildRun(), CancellationToken.None);

        Assert.False(result.Failed(out _, out var placement));
        Assert.Equal([StageFixture.Support, StageFixture.Executor], placement.Actors);
    }

    /// <summary>The Resolve stage over the fixture's registration, with the support agent's <c>sub_agents</c> set.</summary>
    private ResolveStage ResolveWith(IReadOnlyList<string>? subAgents)
    {
        var agents = _f.Options.Agents.Select(a => a.Id == StageFixture.Support ? a with { SubAgents = subAgents } : a).ToList();
        return new ResolveStage(new Registry(_f.Options with { Agents = agents }), _f.Store, _f.Revocations);
    }

    /// <summary>The executor's child run below the support agent's run, as its run token presents it.</summary>
    private AttestedSubject ChildRun()
    {
        var parent = _f.RunToken();
        var child = parent.Run with { Id = "run_2", Depth = 1, Agent = StageFixture.Executor, Actors = [StageFixture.Support, StageFixture.Executor] };
        return StageFixture.AgentSubject() with { Run = parent with { Run = child } };
    }

    private static Placement Placed(RunRecord run) => new(run.Tenant, run.Id, run.Actors, run.Depth);
}
