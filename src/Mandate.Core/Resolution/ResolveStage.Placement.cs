using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Core.Grants;
using Mandate.Core.Policy;
using Mandate.Core.Protocol;
using Mandate.Core.Runs;
using Mandate.Policy;

namespace Mandate.Core.Resolution;

/// <summary>
/// Settles the tenant, the run and the actor chain. Inside a run they come from the run token and cannot be
/// changed by the request. Otherwise the tenant defaults to the one in the user's token, never to the request
/// alone; an agent may only act in the tenants it is registered for.
/// </summary>
public sealed partial class ResolveStage
{
    /// <summary>Placement of a tool credential: in the presented run (only its own agent), or a new or caller-named run.</summary>
    public async Task<Result<Placement>> CredentialPlacementAsync(TokenRequest request, AttestedActor actor, AttestedSubject subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Run is { } presented)
        {
            var inside = InsideRun(request, actor, presented.Run, delegating: false);
            return !inside.Failed(out _, out _) && SubAgentRefusal(presented.Run.Actors) is { } refused ? refused : inside;
        }

        var tenant = Tenant(request, actor, subject);
        if (tenant.Failed(out var error, out var name))
        {
            return error;
        }

        if (request.Run is { } run)
        {
            if (await CheckCallerNamedRunAsync(run, actor.SpiffeId, name, subject.User?.Subject, cancellationToken) is { } refused)
            {
                return refused;
            }

            return new Placement(name, run, [actor.Agent.Id], 0);
        }

        return new Placement(name, Ids.New("run"), [actor.Agent.Id], 0) { RunGenerated = true };
    }

    /// <summary>Placement of a run token: a new run, the presented run (renewal), or a child run (delegation by another agent).</summary>
    public static Result<Placement> RunPlacement(TokenRequest request, AttestedActor actor, AttestedSubject subject)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Run is { } presented)
        {
            return InsideRun(request, actor, presented.Run, delegating: actor.SpiffeId != presented.Run.Agent);
        }

        var tenant = Tenant(request, actor, subject);
        return tenant.Failed(out var error, out var name) ? error : new Placement(name, Ids.New("run"), [actor.Agent.Id], 0);
    }

    private static Result<string> Tenant(TokenRequest request, AttestedActor actor, AttestedSubject subject)
    {
        var agent = actor.Agent;
        var requested = request.Tenant;
        var tenant = subject is { Kind: SubjectKind.User, User: { } user }
            ? requested ?? user.Tenant
            : requested ?? (agent.Tenants.Count == 1 ? agent.Tenants[0] : null);
        if (tenant is null)
        {
            return ResolveChecks.TenantRequired.Refuse($"background work for agent '{agent.Id}' must name the tenant (it serves {string.Join(", ", agent.Tenants)})");
        }

        if (!agent.Tenants.Contains(tenant, StringComparer.Ordinal))
        {
            return ResolveChecks.TenantUnregistered.Refuse($"agent '{agent.Id}' is not registered for tenant '{tenant}' (agents[].tenants lists {string.Join(", ", agent.Tenants)})");
        }

        return tenant;
    }

    /// <summary>
    /// A caller-named run outside a run token is only a label for the audit trail; it must not be a run
    /// Mandate recorded (those are used through their run token) nor one an operator revoked, and it stays the run of
    /// the agent, tenant and user the trail first shows in it, so that a run's records answer for one principal.
    /// </summary>
    private async Task<OAuthError?> CheckCallerNamedRunAsync(string run, string agent, string tenant, string? user, CancellationToken cancellationToken)
    {
        if (_revocations.ForRun(run) is { } revoked)
        {
            return ResolveChecks.NamedRunRevoked.Refuse($"run '{run}' was revoked ({revoked.Id}); use a new run id");
        }

        if (await _store.GetRunAsync(run, cancellationToken) is not null)
        {
            return ResolveChecks.NamedRunRecorded.Refuse($"run '{run}' is a recorded run; present its run token as subject_token instead of naming it");
        }

        return await NamedRunTakenAsync(run, agent, tenant, user, cancellationToken);
    }

    /// <summary>
    /// The refusal when the audit trail's first record in caller-named <paramref name="run"/> is another agent's, tenant's
    /// or user's; null when it is this principal's or there is none. Asked before the decision and again once the issuance
    /// record is durable: two requests racing for one id both pass the first ask, and the trail's order decides the second.
    /// </summary>
    public async Task<OAuthError?> NamedRunTakenAsync(string run, string agent, string tenant, string? user, CancellationToken cancellationToken)
    {
        await foreach (var first in _store.ReadAuditAsync(new AuditQuery { Run = run, Limit = 1 }, cancellationToken))
        {
            // A record that cannot be read (an edited store, which `audit verify` names) proves no owner: the id stays taken.
            var owner = first.TryReadEvent();
            if (owner is null || owner.Agent != agent || owner.Tenant != tenant || owner.User != user)
            {
                // Whose run it is stays unsaid: the caller learns only that the id is taken.
                return ResolveChecks.NamedRunTaken.Refuse($"run '{run}' is already the run of another agent, tenant or user; runs are not shared, so name a run id of your own or omit run");
            }
        }

        return null;
    }

    private static Result<Placement> InsideRun(TokenRequest request, AttestedActor actor, RunRecord run, bool delegating)
    {
        var spiffeId = actor.SpiffeId;
        if (request.Tenant is { } tenant && tenant != run.Tenant)
        {
            return ResolveChecks.TenantSwitch.Refuse($"the run is in tenant '{run.Tenant}'; a run cannot switch tenant (requested '{tenant}')");
        }

        if (request.Run is { } runParam && runParam != run.Id)
        {
            return ResolveChecks.RunMismatch.Refuse("the run parameter does not match the run token");
        }

        if (!delegating && spiffeId != run.Agent)
        {
            return ResolveChecks.NotRunAgent.Refuse($"actor_token is '{spiffeId}' but the run belongs to '{run.Agent}'; only the run's agent may use its run token");
        }

        if (delegating && !actor.Agent.Tenants.Contains(run.Tenant, StringComparer.Ordinal))
        {
            return ResolveChecks.SubAgentTenant.Refuse($"sub-agent '{spiffeId}' is not registered for tenant '{run.Tenant}'");
        }

        return delegating
            ? new Placement(run.Tenant, Ids.New("run"), [.. run.Actors, spiffeId], run.Depth + 1)
            : new Placement(run.Tenant, run.Id, run.Actors, run.Depth);
    }
}
