namespace Mandate.Server.Admin;

/// <summary>Body of POST /admin/keys/rotate: no purpose means the token-signing keys (ES256, and RS256 when configured).</summary>
public sealed record KeyRotationRequest(string? Purpose, bool? Compromised, string? Reason, string? By);
