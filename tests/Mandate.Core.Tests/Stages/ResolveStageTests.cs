using Mandate.Core.Protocol;
using Mandate.Core.Resolution;
using Mandate.Core.Revocation;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Tests.Stages;

/// <summary>The Resolve stage: tool and scopes, authorization details, tenant and run, and run envelopes.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync")]
public sealed class ResolveStageTests : IAsyncLifetime
{
    private StageFixture _f = new();

    public async Task InitializeAsync() => _f = await _f.MigrateAsync();

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public void Tool_DeclaredToolAndScopes_Resolved()
    {
        var result = _f.Resolve().Tool(StageFixture.Request((P.Resource, "https://refunds.acme.example"), (P.Scope, "refunds:read refunds:read")), _f.Actor(), _f.UserSubject());

        Assert.False(result.Failed(out _, out var tool));
        Assert.Equal("refunds", tool.Tool.Name);
        Assert.Equal("refunds:read", Assert.Single(tool.Scopes));
    }

    [Fact]
    public void Tool_UnknownResource_RefusedToolUnknown()
    {
        var result = _f.Resolve().Tool(StageFixture.Request((P.Resource, "https://billing.acme.example"), (P.Scope, "x")), _f.Actor(), _f.UserSubject());

        AssertRefused(result, ResolveChecks.ToolUnknown, E.InvalidTarget, "no tool is registered with that resource or audience");
    }

    [Fact]
    public void Tool_NotDeclaredByAgent_RefusedToolUndeclared()
    {
        var result = _f.Resolve().Tool(StageFixture.Request((P.Audience, "crm"), (P.Scope, "crm:read")), _f.Actor(StageFixture.Executor), _f.UserSubject());

        AssertRefused(result, ResolveChecks.ToolUndeclared, E.InvalidTarget, "tool 'crm' is not in the declared tools of agent");
    }

    [Fact]
    public void Tool_ScopeTheToolDoesNotDefine_RefusedScopeUnknown()
    {
        var result = _f.Resolve().Tool(StageFixture.Request((P.Audience, "refunds"), (P.Scope, "refunds:admin")), _f.Actor(), _f.UserSubject());

        AssertRefused(result, ResolveChecks.ScopeUnknown, E.InvalidScope, "does not define scope(s) 'refunds:admin'");
    }

    [Fact]
    public void Tool_OutsideThePresentedRun_RefusedToolOutsideRun()
    {
        var inRun = StageFixture.AgentSubject() with { Run = _f.RunToken() };

        var result = _f.Resolve().Tool(StageFixture.Request((P.Audience, "crm"), (P.Scope, "crm:read")), _f.Actor(), inRun);

        AssertRefused(result, ResolveChecks.ToolOutsideRun, E.InvalidTarget, "outside the envelope of run 'run_1'");
    }

    [Fact]
    public void Details_RunTokenRequestWithDetails_RefusedDetailsInRunRequest()
    {
        var result = ResolveStage.Details(StageFixture.Request((P.AuthorizationDetails, "[]")), tool: null);

        AssertRefused(result, ResolveChecks.DetailsInRunRequest, E.InvalidAuthorizationDetails, "a run-token request cannot carry them");
    }

    [Fact]
    public void Details_EvidenceSubjectWithSpace_RefusedEvidenceSubject()
    {
        var result = ResolveStage.Details(StageFixture.Request((P.EvidenceSubject, "acme shop")), tool: null);

        AssertRefused(result, ResolveChecks.EvidenceSubject, E.InvalidRequest, "evidence_subject must be 1-256 printable characters");
    }

    [Fact]
    public async Task CredentialPlacement_UserSubject_TenantFromUserTokenAndNewRun()
    {
        var result = await _f.Resolve().CredentialPlacementAsync(StageFixture.Request(), _f.Actor(), _f.UserSubject("globex"), CancellationToken.None);

        Assert.False(result.Failed(out _, out var placement));
        Assert.Equal(("globex", 0), (placement.Tenant, placement.DelegationDepth));
        Assert.StartsWith("run_", placement.Run, StringComparison.Ordinal);
        Assert.Equal([StageFixture.Support], placement.Actors);
    }

    [Fact]
    public async Task CredentialPlacement_BackgroundWorkOfAgentWithTwoTenants_RefusedTenantRequired()
    {
        var result = await _f.Resolve().CredentialPlacementAsync(StageFixture.Request(), _f.Actor(), StageFixture.AgentSubject(), CancellationToken.None);

        AssertRefused(result, ResolveChecks.TenantRequired, E.InvalidRequest, "must name the tenant");
    }

    [Fact]
    public async Task CredentialPlacement_TenantTheAgentDoesNotServe_RefusedTenantUnregistered()
    {
        var result = await _f.Resolve().CredentialPlacementAsync(StageFixture.Request((P.Tenant, "initech")), _f.Actor(), _f.UserSubject(), CancellationToken.None);

        AssertRefused(result, ResolveChecks.TenantUnregistered, E.InvalidTarget, "is not registered for tenant 'initech'");
    }

    [Fact]
    public async Task CredentialPlacement_CallerNamedRevokedRun_RefusedNamedRunRevoked()
    {
        _f.Revocations.Add(new Revocation.Revocation { Id = "rev_1", Target = RevocationTarget.Run, Value = "run_x", RevokedAt = _f.Now, KeepUntil = _f.Now.AddHours(1), RevokedBy = "admin" });

        var result = await _f.Resolve().CredentialPlacementAsync(StageFixture.Request((P.Run, "run_x")), _f.Actor(), _f.UserSubject(), CancellationToken.None);

        AssertRefused(result, ResolveChecks.NamedRunRevoked, E.InvalidRequest, "run 'run_x' was revoked (rev_1)");
    }

    [Fact]
    public async Task CredentialPlacement_AnotherAgentsRunToken_RefusedNotRunAgent()
    {
        var inRun = StageFixture.AgentSubject() with { Run = _f.RunToken(StageFixture.Executor) };

        var result = await _f.Resolve().CredentialPlacementAsync(StageFixture.Request(), _f.Actor(), inRun, CancellationToken.None);

        AssertRefused(result, ResolveChecks.NotRunAgent, E.InvalidRequest, "only the run's agent may use its run token");
    }

    [Fact]
    public void RunPlacement_OtherAgentsRun_DelegatesOneLevelDeeper()
    {
        var inRun = StageFixture.AgentSubject() with { Run = _f.RunToken() };

        var result = ResolveStage.RunPlacement(StageFixture.Request(), _f.Actor(StageFixture.Executor), inRun);

        Assert.False(result.Failed(out _, out var placement));
        Assert.Equal((1, "acme"), (placement.DelegationDepth, placement.Tenant));
        Assert.Equal([StageFixture.Support, StageFixture.Executor], placement.Actors);
        Assert.NotEqual("run_1", placement.Run);
    }

    [Fact]
    public void Envelope_StartWithoutScope_RefusedRunScopeMissing()
    {
        var result = _f.Resolve().Envelope(StageFixture.Request(), _f.Actor(), parent: null, new Placement("acme", "run_2", [StageFixture.Support], 0));

        AssertRefused(result, ResolveChecks.RunScopeMissing, E.InvalidScope, "scope is required to start a run");
    }

    [Fact]
    public void Envelope_RenewAddingScope_RefusedRenewAddsScope()
    {
        var run = _f.RunToken().Run;

        var result = _f.Resolve().Envelope(StageFixture.Request((P.Scope, "crm:read")), _f.Actor(), run, new Placement("acme", run.Id, run.Actors, 0));

        AssertRefused(result, ResolveChecks.RenewAddsScope, E.InvalidScope, "it cannot add scopes");
    }

    [Fact]
    public void Envelope_DelegationDeeperThanTheTreeAllows_RefusedDepthExceeded()
    {
        var run = _f.RunToken(depth: 1, maxDepth: 1).Run;

        var result = _f.Resolve().Envelope(StageFixture.Request(), _f.Actor(StageFixture.Executor), run, new Placement("acme", "run_3", [.. run.Actors, StageFixture.Executor], 2));

        AssertRefused(result, ResolveChecks.DepthExceeded, E.InvalidRequest, "delegation depth 2 exceeds the limit 1");
    }

    [Fact]
    public void Envelope_DelegationWithoutScope_InheritsWhatTheSubAgentDeclared()
    {
        var run = _f.RunToken().Run;

        var result = _f.Resolve().Envelope(StageFixture.Request(), _f.Actor(StageFixture.Executor), run, new Placement("acme", "run_3", [.. run.Actors, StageFixture.Executor], 1));

        Assert.False(result.Failed(out _, out var plan));
        Assert.Equal((RunRequestMode.Delegate, "refunds:read refunds:write"), (plan.Mode, plan.Envelope.Scope));
    }

    private static void AssertRefused<T>(Result<T> result, Check check, string error, string description)
        where T : notnull
    {
        Assert.True(result.Failed(out var refused, out _));
        Assert.Equal((check.Id, error), (refused.CheckId, refused.Error));
        Assert.Contains(description, refused.Description, StringComparison.Ordinal);
    }
}
