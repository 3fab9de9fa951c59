using Mandate.Core.Audit;

namespace Mandate.Core.Approvals;

/// <summary>
/// Approvals (policy state, shared by every node). A new <see cref="Approval"/> is inserted through a committed
/// batch (an existing id fails the batch); it changes state only through <see cref="TryTransitionApprovalAsync"/>.
/// </summary>
public interface IApprovalStore
{
    /// <summary>The approval with this id, or null.</summary>
    Task<Approval?> GetApprovalAsync(string id, CancellationToken cancellationToken);

    /// <summary>Approvals newest first, optionally only those in <paramref name="status"/>; <paramref name="limit"/> is held to 1..10,000.</summary>
    Task<IReadOnlyList<Approval>> ListApprovalsAsync(ApprovalStatus? status, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The newest approval whose <see cref="Approval.BindingHash"/> is <paramref name="bindingHash"/>, whatever its
    /// status, or null. A retried MCP tool call finds its approval this way; the caller judges its status and expiry.
    /// </summary>
    Task<Approval?> FindApprovalByBindingAsync(string bindingHash, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts the pending <paramref name="approval"/> and appends <paramref name="auditEvents"/> in one transaction,
    /// unless a pending approval would already answer for the same request: the same binding hash, agent, policy version,
    /// rule and sender binding, not expired at the new approval's <see cref="Approval.CreatedAt"/>, and a lifetime no
    /// longer than its. Returns false, writing nothing, when there is one. The check runs inside the store's serialized
    /// write (PostgreSQL: the cluster-wide audit lock every commit holds; SQLite: one writer per file; in memory: its
    /// lock), so nodes asking for the same request at the same instant record one approval. Throws
    /// <see cref="Storage.StoreUnavailableException"/> when not durable.
    /// </summary>
    Task<bool> TryInsertApprovalAsync(Approval approval, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="transition"/> only if the approval is in its <c>From</c> state (and a pending one
    /// has not expired), and appends <paramref name="auditEvents"/> in the same transaction. Returns false, writing
    /// nothing, when the condition does not hold. Throws <see cref="Storage.StoreUnavailableException"/> when not durable.
    /// </summary>
    Task<bool> TryTransitionApprovalAsync(ApprovalTransition transition, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken);

    /// <summary>
    /// Records a poll answered <c>authorization_pending</c> at <paramref name="polledAt"/>, only while the approval's
    /// <see cref="Approval.LastPolledAt"/> is still <paramref name="lastPolledAt"/>, the value the poll was judged on
    /// (null: never polled). Returns false, writing nothing, when another poll was recorded meanwhile (or the id is
    /// unknown), so of two polls judged on the same state at most one is accepted. No audit record. Throws
    /// <see cref="Storage.StoreUnavailableException"/> when not durable.
    /// </summary>
    Task<bool> TryTouchApprovalAsync(string id, DateTimeOffset? lastPolledAt, DateTimeOffset polledAt, CancellationToken cancellationToken);

    /// <summary>
    /// Raises the approval's <see cref="Approval.PollIntervalSeconds"/> to <paramref name="seconds"/> after a
    /// <c>slow_down</c> answer; an interval already at least that long is kept (it never shrinks). No audit record; an
    /// unknown id changes nothing. Throws <see cref="Storage.StoreUnavailableException"/> when not durable.
    /// </summary>
    Task RaisePollIntervalAsync(string id, int seconds, CancellationToken cancellationToken);
}
