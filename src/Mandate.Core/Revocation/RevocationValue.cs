using Mandate.Core.Protocol;
using Mandate.SenderConstraint.Jose;

namespace Mandate.Core.Revocation;

/// <summary>
/// What a person may type as the value to revoke (the admin API, the console, the CLI): an identity value, held to the
/// rule a token's claims are held to, since it is copied into the audit record; for an agent, its SPIFFE ID, since any
/// other value (padded, a trailing slash) could never match an agent and the kill switch would switch nothing off.
/// </summary>
public static class RevocationValue
{
    /// <summary>Why an agent revocation's value was refused (client-safe).</summary>
    public const string AgentRule = "an agent's value must be its SPIFFE ID (spiffe://<trust-domain>/<path>), exactly as registered, with no spaces";

    /// <summary>Why a whole token was refused as the value (client-safe; never repeats the value).</summary>
    public const string TokenRule = "value is a whole token, not an id; a token is never written to the audit trail, which would keep it for good: give its jti ('mandate token inspect TOKEN --claim jti'), or let its holder revoke it at POST /oauth2/revoke";

    /// <summary>Why <paramref name="value"/> cannot be revoked as <paramref name="target"/> (client-safe), or null.</summary>
    public static string? Problem(RevocationTarget target, string value) =>
        IsWholeToken(value) ? TokenRule
        : !IdentityText.IsAllowed(value) ? $"value must be {IdentityText.Rule}"
        : target == RevocationTarget.Agent && !SpiffeId.IsValid(value) ? AgentRule
        : null;

    /// <summary>
    /// Invariant 8: a compact JWS or JWE (<c>eyJ…</c>, a base64url JSON header, then dots) pasted where an id goes. Copied into
    /// the audit record it would stay there for good (the hash chain forbids removing it) for everyone who reads the trail.
    /// </summary>
    public static bool IsWholeToken(string value) =>
        value.StartsWith("eyJ", StringComparison.Ordinal) && value.Count(c => c == '.') is 2 or 4 && new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CanReadToken(value);
}
