namespace Mandate.Core.Configuration;

/// <summary>
/// <c>console.approvers:</c> the tenants and tools whose approvals a console approver may decide. An empty list
/// limits nothing; admins are never limited.
/// </summary>
public sealed record ConsoleApproverLimits
{
    public IReadOnlyList<string> Tenants { get; init; } = [];
    public IReadOnlyList<string> Tools { get; init; } = [];

    public bool Allows(string tenant, string tool) =>
        (Tenants.Count == 0 || Tenants.Contains(tenant, StringComparer.Ordinal))
        && (Tools.Count == 0 || Tools.Contains(tool, StringComparer.Ordinal));
}
