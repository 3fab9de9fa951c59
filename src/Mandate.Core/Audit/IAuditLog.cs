namespace Mandate.Core.Audit;

/// <summary>The audit log's reads. Records are appended only through a committed <see cref="Storage.StoreBatch"/>.</summary>
public interface IAuditLog
{
    /// <summary>Reads audit records in sequence order.</summary>
    IAsyncEnumerable<AuditRecord> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken);
}
