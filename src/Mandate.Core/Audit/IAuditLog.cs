namespace Mandate.Core.Audit;

/// <summary>The audit log's reads. Records are appended only through a committed <see cref="Storage.StoreBatch"/>.</summary>
public interface IAuditLog
{
    /// <summary>Reads audit records in sequence order.</summary>
    IAsyncEnumerable<AuditRecord> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The newest prune anchor (<see cref="Retention.AuditPruneAnchor"/>): the records up to it were archived and removed,
    /// and the log continues from its hash. Null when nothing was ever pruned.
    /// </summary>
    Task<Retention.AuditPruneAnchor?> ReadPruneAnchorAsync(CancellationToken cancellationToken);
}
