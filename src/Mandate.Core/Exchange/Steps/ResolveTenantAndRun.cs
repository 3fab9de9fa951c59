using Mandate.Core.Policy;
using Mandate.Core.Protocol;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Core.Exchange.Steps;

/// <summary>
/// Settles the credential's tenant and run. The tenant defaults to the one in the user's token, never
/// to the request alone; an agent may only act in the tenants it is registered for.
/// </summary>
public sealed class ResolveTenantAndRun : IExchangeStep
{
    public ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var agent = context.Agent!;
        var requested = context.Request[P.Tenant];
        string? tenant = context.Subject == SubjectKind.User
            ? requested ?? context.User!.Tenant
            : requested ?? (agent.Tenants.Count == 1 ? agent.Tenants[0] : null);
        if (tenant is null)
        {
            context.Reject(OAuthError.InvalidRequest($"background work for agent '{agent.Id}' must name the tenant (it serves {string.Join(", ", agent.Tenants)})"));
            return ValueTask.CompletedTask;
        }

        if (!agent.Tenants.Contains(tenant, StringComparer.Ordinal))
        {
            context.Reject(OAuthError.InvalidTarget($"agent '{agent.Id}' is not registered for tenant '{tenant}' (agents[].tenants lists {string.Join(", ", agent.Tenants)})"));
            return ValueTask.CompletedTask;
        }

        context.Tenant = tenant;
        context.Run = context.Request[P.Run] ?? Ids.New("run");
        return ValueTask.CompletedTask;
    }
}
