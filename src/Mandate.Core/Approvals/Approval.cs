using Mandate.Core.Revocation;
using Mandate.Core.Storage;

namespace Mandate.Core.Approvals;

/// <summary>
/// Where an approval stands. Pending → approved | denied | expired | withdrawn; approved → consumed (single use) | withdrawn.
/// Withdrawn: a poll found that the agent, run, tenant or user no longer stands, so the approval can never be collected.
/// </summary>
public enum ApprovalStatus
{
    Pending,
    Approved,
    Denied,
    Consumed,
    Withdrawn,
}

/// <summary>
/// A require_approval decision waiting for (or holding) a human's answer, bound to exactly one tool call:
/// agent, run, tool, scopes, tenant, user and the SHA-256 of the canonical authorization_details.
/// Holds what is needed to mint once approved, never a token.
/// </summary>
public sealed record Approval : IStoreChange
{
    /// <summary>The <c>auth_req_id</c> the agent polls with.</summary>
    public required string Id { get; init; }

    public required ApprovalStatus Status { get; init; }
    public required string Agent { get; init; }
    public required string Run { get; init; }
    public required string Tool { get; init; }
    public required string Tenant { get; init; }

    /// <summary>The user's subject, or null for background work.</summary>
    public string? User { get; init; }

    /// <summary>Space-separated scopes the credential will carry once approved.</summary>
    public required string Scope { get; init; }

    /// <summary>Canonical JSON of the authorization_details (<c>[]</c> when none).</summary>
    public required string AuthorizationDetails { get; init; }

    /// <summary>Lowercase hex SHA-256 over the binding (see <see cref="ApprovalBinding"/>).</summary>
    public required string BindingHash { get; init; }

    /// <summary>Who the approver is shown: a summary of the tool call.</summary>
    public required string BindingMessage { get; init; }

    public required string Rule { get; init; }

    /// <summary>
    /// The agent whose <see cref="Rule"/> asked for the approval: a delegating agent up the chain when its rule made a
    /// sub-agent's request wait (invariant 3), else null, meaning <see cref="Agent"/> itself (also for approvals asked
    /// before it was recorded). A reload is judged against this agent's rules (<see cref="ApprovalPolicyCheck"/>).
    /// </summary>
    public string? RuleAgent { get; init; }

    /// <summary>The agent whose rule asked for the approval: <see cref="RuleAgent"/>, else the approval's own agent.</summary>
    public string AskedBy => RuleAgent ?? Agent;

    public required string PolicyVersion { get; init; }
    public required string DecisionId { get; init; }

    /// <summary>Credential lifetime granted once approved, in seconds.</summary>
    public required int LifetimeSeconds { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// When the user token the approval was asked with was issued (its <c>iat</c>; the Unix epoch when it had none, as
    /// such a token counts as issued before any revocation). A tenant or user revocation is judged from it when the
    /// approval is collected (invariant 6). Null outside a user token (background work; a recorded run is judged from
    /// its start) and for approvals asked before it was recorded, which are judged from <see cref="CreatedAt"/>.
    /// </summary>
    public DateTimeOffset? IdentityIssuedAt { get; init; }

    /// <summary>
    /// The issuer (<c>iss</c>) of the user token the approval was asked with: a poll's user subject_token must come from
    /// it too. Null outside a user token and for approvals asked before it was recorded (then a poll's subject_token is
    /// matched on subject and tenant only).
    /// </summary>
    public string? UserIssuer { get; init; }

    /// <summary>
    /// How the asking request was bound (<see cref="Grants.SenderBinding.Holder"/>: <c>jkt:…</c> or <c>mtls</c>); the poll
    /// that collects the approval must be bound the same way. Null for a bearer request (and approvals asked before
    /// it was recorded): then a poll with a proof or certificate still gets a credential bound to it.
    /// </summary>
    public string? SenderBinding { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When the agent last polled and was answered <c>authorization_pending</c>; the next poll is judged from it (CIBA §11 <c>slow_down</c>).</summary>
    public DateTimeOffset? LastPolledAt { get; init; }

    /// <summary>
    /// Seconds the agent must now keep between polls: every <c>slow_down</c> answer raised it by 5 (CIBA §11), up to a
    /// maximum. Null until the first <c>slow_down</c> (and for approvals asked before it was recorded): the interval of
    /// the pending answer.
    /// </summary>
    public int? PollIntervalSeconds { get; init; }

    public string? Approver { get; init; }
    public string? DecidedReason { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>
    /// The rate-limit counters the credential counts against once collected, as <see cref="ApprovalRateIncrements"/>
    /// stores them: the asking rule's and, in a child run, every delegator rule's with a rate_limit. Null when none has
    /// one, and for approvals asked before they were recorded (collected without counting, as then).
    /// </summary>
    public string? RateIncrements { get; init; }

    /// <summary>The credential minted from the approval, once consumed.</summary>
    public string? Jti { get; init; }

    public bool IsExpired(DateTimeOffset now) => Status == ApprovalStatus.Pending && now >= ExpiresAt;

    /// <summary>Whom the approval grants for, as revocations judge it: asked at <see cref="CreatedAt"/>, with the user token of <see cref="IdentityIssuedAt"/>.</summary>
    public GrantPrincipal Principal() => new(Agent, Tenant, User, Run, CreatedAt) { IdentityIssuedAt = IdentityIssuedAt };
}
