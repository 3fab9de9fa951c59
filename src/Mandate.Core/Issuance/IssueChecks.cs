using Mandate.Core.Protocol;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;

namespace Mandate.Core.Issuance;

/// <summary>Stable ids of the checks of the Issue stage: lifetimes (invariant 4) and the record before the credential (invariant 2).</summary>
public static class IssueChecks
{
    /// <summary>requested_lifetime is longer than a limit allows; the refusal names the limit.</summary>
    public static readonly Check LifetimeExceeded = new("issue.lifetime_exceeded", E.InvalidRequest);

    /// <summary>Nothing is left under a limit (the run or its token is about to end).</summary>
    public static readonly Check NoLifetimeLeft = new("issue.no_lifetime_left", E.InvalidRequest);

    /// <summary>No credential kind is registered for the tool's kind.</summary>
    public static readonly Check KindUnavailable = new("issue.kind_unavailable", E.InvalidTarget);

    /// <summary>The issuance record could not be committed, so nothing was released.</summary>
    public static readonly Check NotRecorded = new("issue.not_recorded", E.TemporarilyUnavailable);
}
