using Mandate.Core.Issuance;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;

namespace Mandate.Core.Tests.Stages;

/// <summary>Invariant 4 in one place: every limit only shortens, and asking for more than a limit is refused naming it.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync")]
public sealed class LifetimesTests : IAsyncLifetime
{
    private StageFixture _f = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public void ForCredential_NothingRequested_DefaultUnderTheAgentsMax()
    {
        var result = Lifetimes.ForCredential(_f.Now, null, _f.Options, _f.Agent(StageFixture.Support), ruleMax: null, rule: null, run: null);

        Assert.False(result.Failed(out _, out var lifetime));
        Assert.Equal(TimeSpan.FromMinutes(3), lifetime);
    }

    [Fact]
    public void ForCredential_RequestedLongerThanTheRuleAllows_RefusedNamingTheRule()
    {
        var result = Lifetimes.ForCredential(_f.Now, TimeSpan.FromSeconds(120), _f.Options, _f.Agent(StageFixture.Support), TimeSpan.FromSeconds(60), "short-rule", run: null);

        Assert.True(result.Failed(out var error, out _));
        Assert.Equal((IssueChecks.LifetimeExceeded.Id, E.InvalidRequest), (error.CheckId, error.Error));
        Assert.Equal("requested_lifetime 120s is longer than max_lifetime of rule 'short-rule' allows (60s); ask for at most that", error.Description);
    }

    [Fact]
    public void ForCredential_PresentedRunTokenExpiresFirst_BoundedByIt()
    {
        var run = _f.RunToken() with { ExpiresAt = _f.Now.AddSeconds(42.5) };

        var result = Lifetimes.ForCredential(_f.Now, null, _f.Options, _f.Agent(StageFixture.Support), null, null, run);

        Assert.False(result.Failed(out _, out var lifetime));
        Assert.Equal(TimeSpan.FromSeconds(42), lifetime);
    }

    [Fact]
    public void ForCredential_RunTokenAboutToExpire_RefusedNoLifetimeLeft()
    {
        var run = _f.RunToken() with { ExpiresAt = _f.Now.AddMilliseconds(500) };

        var result = Lifetimes.ForCredential(_f.Now, null, _f.Options, _f.Agent(StageFixture.Support), null, null, run);

        Assert.True(result.Failed(out var error, out _));
        Assert.Equal(IssueChecks.NoLifetimeLeft.Id, error.CheckId);
        Assert.Contains("no lifetime is left under the expiry of the presented run token", error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void ForRunToken_ParentTokenExpiresFirst_ChildTokenBoundedByIt()
    {
        var run = _f.RunToken().Run;

        var result = Lifetimes.ForRunToken(_f.Now, null, _f.Options, run, _f.Now.AddMinutes(2));

        Assert.False(result.Failed(out _, out var lifetime));
        Assert.Equal(TimeSpan.FromMinutes(2), lifetime);
    }

    [Fact]
    public void ForApproval_RunEndsBeforeTheApprovedLifetime_ExpiresWithTheRun()
    {
        var run = _f.RunToken().Run;
        _f.Clock.Advance(TimeSpan.FromMinutes(29));

        var expires = Lifetimes.ForApproval(_f.Now, TimeSpan.FromMinutes(5), _f.Options, run);

        Assert.Equal(run.ExpiresAt, expires);
    }

    [Fact]
    public void ForApproval_ApprovedLongerThanTheGlobalCap_Capped()
    {
        var expires = Lifetimes.ForApproval(_f.Now, TimeSpan.FromHours(2), _f.Options, run: null);

        Assert.Equal(_f.Now + _f.Options.Lifetimes.Max, expires);
    }
}
