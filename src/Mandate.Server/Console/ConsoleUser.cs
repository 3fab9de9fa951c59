using System.Security.Claims;
using Mandate.Core.Configuration;

namespace Mandate.Server.Console;

/// <summary>
/// The signed-in person as the session cookie holds them: issuer, subject, display name and role, nothing
/// else (no token is ever kept). <see cref="Actor"/> is how audit records name them.
/// </summary>
internal sealed record ConsoleUser(string Issuer, string Subject, string Name, ConsoleRole Role)
{
    public const string IssuerClaim = "iss";
    public const string SubjectClaim = "sub";
    public const string NameClaim = "name";
    public const string RoleClaim = "mandate_console_role";

    /// <summary>The approver or actor in audit records: <c>console:NAME (ISSUER SUBJECT)</c>.</summary>
    public string Actor => $"console:{Name} ({Issuer} {Subject})";

    public bool CanApprove => Role >= ConsoleRole.Approver;

    public bool IsAdmin => Role == ConsoleRole.Admin;

    /// <summary>Whether this user may decide an approval for <paramref name="tenant"/> and <paramref name="tool"/>.</summary>
    public bool MayDecide(ConsoleApproverLimits limits, string tenant, string tool) =>
        IsAdmin || (CanApprove && limits.Allows(tenant, tool));

    /// <summary>
    /// Whether <paramref name="approval"/> was asked on this person's behalf: its user token came from the issuer they
    /// signed in at (compared exactly, as OpenID Connect compares <c>iss</c>), for their subject.
    /// </summary>
    public bool IsAskedFor(Mandate.Core.Approvals.Approval approval) =>
        approval.UserIssuer == Issuer && approval.User == Subject;

    public ClaimsPrincipal ToPrincipal(string authenticationType) =>
        new(new ClaimsIdentity(
            [
                new Claim(IssuerClaim, Issuer),
                new Claim(SubjectClaim, Subject),
                new Claim(NameClaim, Name),
                new Claim(RoleClaim, Role.ToString()),
            ],
            authenticationType,
            NameClaim,
            RoleClaim));

    /// <summary>The user of a signed-in request, or null when the request carries no console session.</summary>
    public static ConsoleUser? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true
            || principal.FindFirstValue(IssuerClaim) is not { } issuer
            || principal.FindFirstValue(SubjectClaim) is not { } subject)
        {
            return null;
        }

        var role = Enum.TryParse<ConsoleRole>(principal.FindFirstValue(RoleClaim), out var r) && Enum.IsDefined(r) ? r : ConsoleRole.None;
        return new ConsoleUser(issuer, subject, principal.FindFirstValue(NameClaim) ?? subject, role);
    }

    /// <summary>The user of a page behind the viewer policy (always signed in there).</summary>
    public static ConsoleUser Current(Microsoft.AspNetCore.Http.HttpContext http) =>
        From(http.User) ?? throw new InvalidOperationException("console page reached without a session");

    /// <summary>
    /// The highest role the provider's role claim grants (a string or an array of strings), or
    /// <see cref="ConsoleRole.None"/> when no configured value matches.
    /// </summary>
    public static ConsoleRole RoleFrom(ClaimsPrincipal principal, ConsoleOidcOptions oidc)
    {
        var values = principal.FindAll(oidc.RoleClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return values.Overlaps(oidc.Admins) ? ConsoleRole.Admin
            : values.Overlaps(oidc.Approvers) ? ConsoleRole.Approver
            : values.Overlaps(oidc.Viewers) ? ConsoleRole.Viewer
            : ConsoleRole.None;
    }
}
