using Mandate.Core.Protocol;
using Mandate.Core.Storage;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;

namespace Mandate.Server.Proxy;

/// <summary>
/// Sorts the broker's refusal of a run-token exchange by its check id (<c>area.reason</c>), never by its wording:
/// the areas that judge the tokens the agent presented make it the caller's credential problem.
/// </summary>
internal static class ProxyExchangeChecks
{
    /// <summary>What the proxy makes of a refused exchange.</summary>
    internal enum Outcome
    {
        /// <summary>403: a policy, scope or target refusal.</summary>
        Forbidden,

        /// <summary>401: a presented token is bad, expired, revoked, or not the caller's.</summary>
        InvalidToken,

        /// <summary>400: the call itself is malformed (e.g. its Mandate-Scope).</summary>
        Malformed,

        /// <summary>403 with the way to approval.</summary>
        ApprovalPending,

        /// <summary>503: the broker could not decide or record.</summary>
        Unavailable,
    }

    // Checks about the agent itself (known but not allowed) forbid rather than reject a credential.
    private static readonly HashSet<string> AgentNotAllowed = new(StringComparer.Ordinal) { "attest.agent_unregistered", "attest.agent_disabled" };

    // The areas whose checks judge the presented run token and actor token (attestation, standing, binding) and the
    // request checks of those two parameters.
    private static readonly string[] PresentedTokenAreas = ["attest.", "standing.", "binding.", "request.subject_token", "request.actor_token"];

    public static Outcome Classify(OAuthError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.CheckId is not { } id)
        {
            return ByErrorCode(error);
        }

        if (id == StoreChecks.Unavailable.Id || error.Error == E.TemporarilyUnavailable)
        {
            return Outcome.Unavailable;
        }

        if (error.Error == E.AuthorizationPending)
        {
            return Outcome.ApprovalPending;
        }

        if (AgentNotAllowed.Contains(id))
        {
            return Outcome.Forbidden;
        }

        if (PresentedTokenAreas.Any(area => id.StartsWith(area, StringComparison.Ordinal)) || error.Error is E.InvalidClient or E.InvalidGrant or E.UnsupportedTokenType)
        {
            return Outcome.InvalidToken;
        }

        return error.Error == E.InvalidRequest ? Outcome.Malformed : Outcome.Forbidden;
    }

    /// <summary>
    /// Every exchange refusal carries a check id; one that does not (a wiring bug) is sorted by its error code
    /// alone, never by its wording.
    /// </summary>
    private static Outcome ByErrorCode(OAuthError error) => error.Error switch
    {
        E.InvalidClient or E.InvalidGrant or E.UnsupportedTokenType => Outcome.InvalidToken,
        E.TemporarilyUnavailable => Outcome.Unavailable,
        E.InvalidRequest => Outcome.Malformed,
        E.AuthorizationPending => Outcome.ApprovalPending,
        _ => Outcome.Forbidden,
    };
}
