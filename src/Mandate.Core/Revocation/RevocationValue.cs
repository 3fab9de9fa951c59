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

    /// <summary>Why <paramref name="value"/> cannot be revoked as <paramref name="target"/> (client-safe), or null.</summary>
    public static string? Problem(RevocationTarget target, string value) =>
        !IdentityText.IsAllowed(value) ? $"value must be {IdentityText.Rule}"
        : target == RevocationTarget.Agent && !SpiffeId.IsValid(value) ? AgentRule
        : null;
}
