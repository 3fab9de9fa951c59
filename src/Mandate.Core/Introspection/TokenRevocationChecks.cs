using Mandate.Core.Protocol;

namespace Mandate.Core.Introspection;

/// <summary>
/// The refusals of RFC 7009 revocation. An unknown or invalid token is no refusal (§2.2: answered 200), and
/// token_type_hint is only a hint (§2.1), so what remains is who may revoke.
/// </summary>
public static class TokenRevocationChecks
{
    /// <summary>RFC 7009 §2.1: only the agent holding the credential, or a workload of its tool, may revoke it.</summary>
    public static readonly Check NotHolder = new("revoke.not_holder", OAuthConstants.Errors.UnauthorizedClient);

    /// <summary>Only the run's agent, or an agent above it in the delegation chain, may end a run.</summary>
    public static readonly Check NotRunActor = new("revoke.not_run_actor", OAuthConstants.Errors.UnauthorizedClient);
}
