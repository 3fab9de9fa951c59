using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Evidence;

namespace Mandate.Core.Storage;

/// <summary>
/// Policy state: rate-limit counters, approvals and evidence (all persisted, shared by every node).
/// </summary>
public partial interface IMandateStore
{
    /// <summary>Current values of the counters named by <paramref name="keys"/>; absent counters are left out.</summary>
    Task<IReadOnlyDictionary<string, long>> ReadRateCountsAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    Task<Approval?> GetApprovalAsync(string id, CancellationToken cancellationToken);

    /// <summary>Approvals newest first, optionally only those in <paramref name="status"/>.</summary>
    Task<IReadOnlyList<Approval>> ListApprovalsAsync(ApprovalStatus? status, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="transition"/> only if the approval is in its <c>From</c> state (and a pending one
    /// has not expired), and appends <paramref name="auditEvents"/> in the same transaction. Returns false, writing
    /// nothing, when the condition does not hold. Throws <see cref="StoreUnavailableException"/> when not durable.
    /// </summary>
    Task<bool> TryTransitionApprovalAsync(ApprovalTransition transition, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken);

    /// <summary>Records that the agent polled (for slow_down); no audit record.</summary>
    Task TouchApprovalAsync(string id, DateTimeOffset polledAt, CancellationToken cancellationToken);

    /// <summary>The latest evidence per kind for <paramref name="subject"/>.</summary>
    Task<IReadOnlyList<EvidenceRecord>> LatestEvidenceAsync(string subject, CancellationToken cancellationToken);
}
