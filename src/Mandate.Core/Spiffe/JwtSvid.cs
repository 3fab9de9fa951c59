namespace Mandate.Core.Spiffe;

/// <summary>A signed JWT-SVID (SPIFFE JWT-SVID spec) and what the audit trail records of it (never the token).</summary>
public sealed record JwtSvid(string SpiffeId, string Token, IReadOnlyList<string> Audiences, string Jti, string Kid, DateTimeOffset ExpiresAt);
