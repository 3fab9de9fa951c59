namespace Mandate.Core.Spiffe;

/// <summary>A signed JWT-SVID (SPIFFE JWT-SVID spec) and what the audit trail records of it (never the token).</summary>
public sealed record JwtSvid(string SpiffeId, string Token, IReadOnlyList<string> Audiences, string Jti, string Kid, DateTimeOffset ExpiresAt)
{
    /// <summary>JWT-SVID §2.3: a JWT-SVID's <c>typ</c>, when set, is one of these.</summary>
    public static readonly IReadOnlyList<string> Types = ["JWT", "JOSE"];
}
