namespace Mandate.Core.Configuration;

/// <summary>
/// <c>console.approvers:</c> the tenants and tools whose approvals a console approver may decide (an empty list limits
/// nothing; admins are never limited), and whether anyone may approve a request made on their own behalf.
/// </summary>
public sealed record ConsoleApproverLimits
{
    public IReadOnlyList<string> Tenants { get; init; } = [];
    public IReadOnlyList<string> Tools { get; init; } = [];

    /// <summary>
    /// Whether a person may approve a request their agent made for them (the approval's user token came from the issuer
    /// they signed in at, for their subject). Off by default: a human check is a second person's.
    /// </summary>
    public bool AllowSelf { get; init; }

    public bool Allows(string tenant, string tool) =>
        (Tenants.Count == 0 || Tenants.Contains(tenant, StringComparer.Ordinal))
        && (Tools.Count == 0 || Tools.Contains(tool, StringComparer.Ordinal));
}
