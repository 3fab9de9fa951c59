namespace Mandate.Server.Admin;

/// <summary>Body of approve/deny: who decides (default <c>admin</c>) and why.</summary>
public sealed record ApprovalDecisionRequest(string? Approver, string? Reason);
