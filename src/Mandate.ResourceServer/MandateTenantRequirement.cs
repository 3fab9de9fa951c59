using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mandate.ResourceServer;

/// <summary>
/// The credential's tenant must be one this service serves (<see cref="MandateTokenOptions.Tenants"/>) and, when
/// <see cref="MandateTokenOptions.TenantFromRequest"/> names the tenant a request addresses, that tenant (403 otherwise).
/// </summary>
public sealed class MandateTenantRequirement : AuthorizationHandler<MandateTenantRequirement>, IAuthorizationRequirement
{
    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MandateTenantRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        var identity = context.User.MandateIdentity();
        var tenant = identity?.FindFirst(MandateClaimTypes.Tenant)?.Value;
        if (identity?.AuthenticationType is not { } scheme || tenant is null || context.Resource is not HttpContext http)
        {
            // Not a Mandate credential, or not an HTTP endpoint: nothing here can prove the tenant, so do not succeed.
            return Task.CompletedTask;
        }

        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<MandateTokenOptions>>().Get(scheme);
        if (options.Tenants is { } allowed && !allowed.Contains(tenant, StringComparer.Ordinal))
        {
            context.Fail(new MandateAuthorizationFailure(this, $"the credential is for tenant '{tenant}', which this service does not serve ({string.Join(", ", allowed)})", null));
            return Task.CompletedTask;
        }

        if (options.TenantFromRequest?.Invoke(http) is { } addressed && !string.Equals(addressed, tenant, StringComparison.Ordinal))
        {
            // R4/R17: a credential for one tenant never reaches another tenant's data, whatever the URL says.
            context.Fail(new MandateAuthorizationFailure(this, $"the credential is for tenant '{tenant}' but the request addresses tenant '{MandateTokenHandler.Printable(addressed)}'; ask the broker for a credential in that tenant (policy decides)", null));
            return Task.CompletedTask;
        }

        context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
