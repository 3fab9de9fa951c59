namespace Mandate.Server.Admin;

/// <summary>Body of POST /admin/revocations.</summary>
public sealed record RevocationRequest(string? Target, string? Value, string? Reason, string? By);
