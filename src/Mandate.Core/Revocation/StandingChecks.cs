namespace Mandate.Core.Revocation;

/// <summary>Stable ids of the checks that a principal is still allowed (see <see cref="PrincipalStanding"/>).</summary>
public static class StandingChecks
{
    public const string RunEnded = "standing.run_ended";
    public const string RunExpired = "standing.run_expired";

    /// <summary>An agent of the run's delegation chain is disabled (kill switch cascading down the tree).</summary>
    public const string ChainAgentDisabled = "standing.chain_agent_disabled";

    public const string TokenRevoked = "standing.token_revoked";
    public const string RunRevoked = "standing.run_revoked";
    public const string AgentRevoked = "standing.agent_revoked";
    public const string TenantRevoked = "standing.tenant_revoked";
    public const string UserRevoked = "standing.user_revoked";

    /// <summary>The check id of a revocation covering a principal.</summary>
    public static string For(RevocationTarget target) => target switch
    {
        RevocationTarget.Token => TokenRevoked,
        RevocationTarget.Run => RunRevoked,
        RevocationTarget.Agent => AgentRevoked,
        RevocationTarget.Tenant => TenantRevoked,
        _ => UserRevoked,
    };
}
