using Mandate.Core.Protocol;
using Mandate.Core.Revocation;
using Mandate.Core.Storage;
using Mandate.Policy;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Exchange.Steps;

/// <summary>
/// Settles the tenant, the run and the actor chain. Inside a run they come from the run token and
/// cannot be changed by the request. Otherwise the tenant defaults to the one in the user's token,
/// never to the request alone; an agent may only act in the tenants it is registered for.
/// </summary>
public sealed class ResolveTenantAndRun : IExchangeStep
{
    private readonly IMandateStore _store;
    private readonly RevocationList _revocations;

    public ResolveTenantAndRun(IMandateStore store, RevocationList revocations)
    {
        _store = store;
        _revocations = revocations;
    }

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var error = context.SubjectRun is null ? OutsideRun(context) : InsideRun(context);
        if (error is null && context.SubjectRun is null && context.Request[P.Run] is { } run)
        {
            error = await CheckCallerNamedRunAsync(run, cancellationToken);
        }

        if (error is not null)
        {
            context.Reject(error);
        }
    }

    /// <summary>
    /// A caller-named run outside a run token is only a label for the audit trail; it must not be a run
    /// Mandate recorded (those are used through their run token) nor one an operator revoked.
    /// </summary>
    private async Task<OAuthError?> CheckCallerNamedRunAsync(string run, CancellationToken cancellationToken)
    {
        if (_revocations.ForRun(run) is { } revoked)
        {
            return OAuthError.InvalidRequest($"run '{run}' was revoked ({revoked.Id}); use a new run id");
        }

        return await _store.GetRunAsync(run, cancellationToken) is not null
            ? OAuthError.InvalidRequest($"run '{run}' is a recorded run; present its run token as subject_token instead of naming it")
            : null;
    }

    private static OAuthError? OutsideRun(ExchangeContext context)
    {
        var agent = context.Agent!;
        var requested = context.Request[P.Tenant];
        string? tenant = context.Subject == SubjectKind.User
            ? requested ?? context.User!.Tenant
            : requested ?? (agent.Tenants.Count == 1 ? agent.Tenants[0] : null);
        if (tenant is null)
        {
            return OAuthError.InvalidRequest($"background work for agent '{agent.Id}' must name the tenant (it serves {string.Join(", ", agent.Tenants)})");
        }

        if (!agent.Tenants.Contains(tenant, StringComparer.Ordinal))
        {
            return OAuthError.InvalidTarget($"agent '{agent.Id}' is not registered for tenant '{tenant}' (agents[].tenants lists {string.Join(", ", agent.Tenants)})");
        }

        context.Tenant = tenant;
        context.Run = context.Kind == ExchangeKind.ToolCredential ? context.Request[P.Run] ?? Ids.New("run") : Ids.New("run");
        context.Actors = [agent.Id];
        return null;
    }

    private static OAuthError? InsideRun(ExchangeContext context)
    {
        var run = context.SubjectRun!.Run;
        var actor = context.Actor!.SpiffeId;
        if (context.Request[P.Tenant] is { } tenant && tenant != run.Tenant)
        {
            return OAuthError.InvalidTarget($"the run is in tenant '{run.Tenant}'; a run cannot switch tenant (requested '{tenant}')");
        }

        if (context.Request[P.Run] is { } runParam && runParam != run.Id)
        {
            return OAuthError.InvalidRequest("the run parameter does not match the run token");
        }

        var delegating = context.Kind == ExchangeKind.RunToken && actor != run.Agent;
        if (!delegating && actor != run.Agent)
        {
            return OAuthError.InvalidRequest($"actor_token is '{actor}' but the run belongs to '{run.Agent}'; only the run's agent may use its run token");
        }

        if (delegating && !context.Agent!.Tenants.Contains(run.Tenant, StringComparer.Ordinal))
        {
            return OAuthError.InvalidTarget($"sub-agent '{actor}' is not registered for tenant '{run.Tenant}'");
        }

        context.Tenant = run.Tenant;
        context.Run = delegating ? Ids.New("run") : run.Id;
        context.Actors = delegating ? [.. run.Actors, actor] : run.Actors;
        context.DelegationDepth = delegating ? run.Depth + 1 : run.Depth;
        return null;
    }
}
