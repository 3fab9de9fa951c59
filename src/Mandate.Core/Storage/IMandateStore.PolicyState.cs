using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Evidence;

namespace Mandate.Core.Storage;

/// <summary>
/// Policy state: rate-limit counters, approvals and evidence (all persisted, shared by every node). The default
/// bodies throw, so test doubles that predate these methods still compile; a real store implements them all.
/// </summary>
public partial interface IMandateStore
{
    /// <summary>Current values of the counters named by <paramref name="keys"/>; absent counters are left out.</summary>
    Task<IReadOnlyDictionary<string, long>> ReadRateCountsAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken) => throw NotImplemented();

    Task<Approval?> GetApprovalAsync(string id, CancellationToken cancellationToken) => throw NotImplemented();

    /// <summary>Approvals newest first, optionally only those in <paramref name="status"/>.</summary>
    Task<IReadOnlyList<Approval>> ListApprovalsAsync(ApprovalStatus? status, int limit, CancellationToken cancellationToken) => throw NotImplemented();

    /// <summary>
    /// Applies <paramref name="transition"/> only if the approval is in its <c>From</c> state (and a pending one
    /// has not expired), and appends <paramref name="auditEvents"/> in the same transaction. Returns false, writing
    /// nothing, when the condition does not hold. Throws <see cref="StoreUnavailableException"/> when not durable.
    /// </summary>
    Task<bool> TryTransitionApprovalAsync(ApprovalTransition transition, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken) => throw NotImplemented();

    /// <summary>Records that the agent polled (for slow_down); no audit record.</summary>
    Task TouchApprovalAsync(string id, DateTimeOffset polledAt, CancellationToken cancellationToken) => throw NotImplemented();

    /// <summary>The latest evidence per kind for <paramref name="subject"/>.</summary>
    Task<IReadOnlyList<EvidenceRecord>> LatestEvidenceAsync(string subject, CancellationToken cancellationToken) => throw NotImplemented();

    private static NotSupportedException NotImplemented() => new("this store does not implement policy state (approvals, rate limits, evidence)");
}
