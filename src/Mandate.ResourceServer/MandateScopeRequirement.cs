using Microsoft.AspNetCore.Authorization;

namespace Mandate.ResourceServer;

/// <summary>The credential must grant every one of <see cref="Scopes"/> (403 insufficient_scope otherwise, RFC 6750 §3.1).</summary>
public sealed class MandateScopeRequirement : AuthorizationHandler<MandateScopeRequirement>, IAuthorizationRequirement
{
    /// <summary>A requirement for all of <paramref name="scopes"/>.</summary>
    public MandateScopeRequirement(IReadOnlyList<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        if (scopes.Count == 0 || scopes.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("name at least one scope, e.g. refunds:write", nameof(scopes));
        }

        Scopes = scopes;
    }

    /// <summary>The operations the endpoint needs.</summary>
    public IReadOnlyList<string> Scopes { get; }

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MandateScopeRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        if (context.User.MandateIdentity() is null)
        {
            return Task.CompletedTask;
        }

        var missing = requirement.Scopes.Where(s => !context.User.HasMandateScope(s)).ToList();
        if (missing.Count == 0)
        {
            context.Succeed(requirement);
        }
        else
        {
            var granted = string.Join(' ', context.User.GetMandateScopes());
            context.Fail(new MandateAuthorizationFailure(this, $"this operation needs scope '{string.Join(' ', requirement.Scopes)}' but the credential grants '{granted}'; ask the broker for a credential with scope={string.Join(' ', missing)}", string.Join(' ', requirement.Scopes)));
        }

        return Task.CompletedTask;
    }
}
