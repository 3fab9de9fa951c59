using Mandate.Core.Protocol;

namespace Mandate.Core.Introspection;

/// <summary>
/// The refusals of RFC 7009 revocation. An unknown or invalid token is no refusal (§2.2: answered 200), so
/// what remains is who may revoke and which hint is understood.
/// </summary>
public static class TokenRevocationChecks
{
    /// <summary>RFC 7009 §2.1: only the agent holding the credential, or a workload of its tool, may revoke it.</summary>
    public static readonly Check NotHolder = new("revoke.not_holder", OAuthConstants.Errors.UnauthorizedClient);

    /// <summary>Only the run's agent, or an agent above it in the delegation chain, may end a run.</summary>
    public static readonly Check NotRunActor = new("revoke.not_run_actor", OAuthConstants.Errors.UnauthorizedClient);

    /// <summary>RFC 7009 §2.2.1: a <c>token_type_hint</c> the server does not understand.</summary>
    public static readonly Check UnsupportedTokenType = new("revoke.unsupported_token_type", OAuthConstants.Errors.UnsupportedTokenType);
}
