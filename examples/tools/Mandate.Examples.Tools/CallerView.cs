using System.Security.Claims;
using Mandate.ResourceServer;

namespace Mandate.Examples.Tools;

/// <summary>Who called, as the tool records it next to what it did: R6 "which downstream resource accepted it".</summary>
public sealed record CallerView(string Agent, string Subject, string Tenant, string Run, string Credential, IReadOnlyList<string> Chain)
{
    /// <summary>From the authenticated principal.</summary>
    public static CallerView From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.GetMandateAgent()!, user.GetMandateSubject()!, user.GetMandateTenant()!, user.GetMandateRun()!, user.GetMandateCredentialId()!, user.GetMandateActorChain());
    }
}
