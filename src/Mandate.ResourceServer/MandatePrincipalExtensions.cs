using System.Security.Claims;

namespace Mandate.ResourceServer;

/// <summary>Reads what a Mandate credential says about the caller from the authenticated principal.</summary>
public static class MandatePrincipalExtensions
{
    /// <summary>The agent's SPIFFE ID (<c>client_id</c>), or null when the principal is not from a Mandate credential.</summary>
    public static string? GetMandateAgent(this ClaimsPrincipal principal) => Find(principal, MandateClaimTypes.Agent);

    /// <summary>The user the agent acts for (<c>sub</c>).</summary>
    public static string? GetMandateSubject(this ClaimsPrincipal principal) => Find(principal, MandateClaimTypes.Subject);

    /// <summary>The tenant the credential is valid in.</summary>
    public static string? GetMandateTenant(this ClaimsPrincipal principal) => Find(principal, MandateClaimTypes.Tenant);

    /// <summary>The run (agent invocation) the credential belongs to.</summary>
    public static string? GetMandateRun(this ClaimsPrincipal principal) => Find(principal, MandateClaimTypes.Run);

    /// <summary>The credential id (<c>jti</c>): log this, never the credential.</summary>
    public static string? GetMandateCredentialId(this ClaimsPrincipal principal) => Find(principal, MandateClaimTypes.CredentialId);

    /// <summary>The granted operations.</summary>
    public static IReadOnlyList<string> GetMandateScopes(this ClaimsPrincipal principal) => All(principal, MandateClaimTypes.Scope);

    /// <summary>The delegation chain, acting party first: a sub-agent, then the supervisor it acts for, and so on.</summary>
    public static IReadOnlyList<string> GetMandateActorChain(this ClaimsPrincipal principal) => All(principal, MandateClaimTypes.Actor);

    /// <summary>True when the credential grants <paramref name="scope"/>.</summary>
    public static bool HasMandateScope(this ClaimsPrincipal principal, string scope) =>
        principal.GetMandateScopes().Contains(scope, StringComparer.Ordinal);

    internal static ClaimsIdentity? MandateIdentity(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.Identities.FirstOrDefault(i => i.IsAuthenticated && i.HasClaim(c => c.Type == MandateClaimTypes.Binding));
    }

    private static string? Find(ClaimsPrincipal principal, string type) => principal.MandateIdentity()?.FindFirst(type)?.Value;

    private static List<string> All(ClaimsPrincipal principal, string type) =>
        principal.MandateIdentity()?.FindAll(type).Select(c => c.Value).ToList() ?? [];
}
