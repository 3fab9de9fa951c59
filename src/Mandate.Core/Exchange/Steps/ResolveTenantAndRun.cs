using Mandate.Core.Policy;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Exchange.Steps;

/// <summary>
/// Settles the tenant, the run and the actor chain. Inside a run they come from the run token and
/// cannot be changed by the request. Otherwise the tenant defaults to the one in the user's token,
/// never to the request alone; an agent may only act in the tenants it is registered for. A run
/// Mandate recorded is named only by its run token, never by the bare <c>run</c> parameter.
/// </summary>
public sealed class ResolveTenantAndRun : IExchangeStep
{
    private readonly IMandateStore _store;

    public ResolveTenantAndRun(IMandateStore store) => _store = store;

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var error = context.SubjectRun is null ? OutsideRun(context) : InsideRun(context);
        if (error is null && context.SubjectRun is null && context.Request[P.Run] is { } named)
        {
            error = await RejectRecordedRunAsync(named, cancellationToken);
        }

        if (error is not null)
        {
            context.Reject(error);
        }
    }

    /// <summary>
    /// Without its run token a credential could claim a recorded run: another user's, one whose envelope
    /// it exceeds, or one already ended (whose run revocation covers only what was issued before the end).
    /// </summary>
    private async Task<OAuthError?> RejectRecordedRunAsync(string runId, CancellationToken cancellationToken)
    {
        try
        {
            return await _store.GetRunAsync(runId, cancellationToken) is null
                ? null
                : OAuthError.InvalidRequest($"run '{runId}' is a run Mandate started; credentials in it are issued only for its run token: present it as subject_token with subject_token_type urn:ietf:params:oauth:token-type:txn_token");
        }
        catch (StoreUnavailableException)
        {
            return OAuthError.TemporarilyUnavailable("the store could not be read to check the run parameter; retry shortly");
        }
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
