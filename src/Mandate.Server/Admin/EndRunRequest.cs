namespace Mandate.Server.Admin;

/// <summary>Body of POST /admin/runs/{id}/end.</summary>
public sealed record EndRunRequest(string? Reason, string? By);
