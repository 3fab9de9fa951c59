using Mandate.Core.Audit;
using Mandate.Core.Keys;

namespace Mandate.Core.Storage;

/// <summary>
/// The one store contract. SQLite is the embedded default; PostgreSQL serves several broker nodes.
/// Both pass the same contract test suite.
/// </summary>
public partial interface IMandateStore : IAsyncDisposable
{
    /// <summary>A short name for logs and errors, e.g. <c>sqlite:/var/lib/mandate/mandate.db</c>.</summary>
    string Description { get; }

    /// <summary>Creates the schema or applies pending migrations, in order, each once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Commits the batch durably in one transaction. Audit events are chained to the current tail
    /// inside that transaction with <see cref="AuditChain.Link"/>, so concurrent writers (several nodes)
    /// still produce one unbroken chain. Throws <see cref="StoreUnavailableException"/> when the
    /// batch could not be made durable; then nothing of it was written.
    /// </summary>
    Task CommitAsync(StoreBatch batch, CancellationToken cancellationToken);

    /// <summary>Reads audit records in sequence order.</summary>
    IAsyncEnumerable<AuditRecord> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>All keys of a purpose, oldest first.</summary>
    Task<IReadOnlyList<StoredKey>> ListKeysAsync(string purpose, CancellationToken cancellationToken);

    /// <summary>The run with this id, or null.</summary>
    Task<Runs.RunRecord?> GetRunAsync(string id, CancellationToken cancellationToken);

    /// <summary>Runs matching the query, newest first.</summary>
    Task<IReadOnlyList<Runs.RunRecord>> ListRunsAsync(Runs.RunQuery query, CancellationToken cancellationToken);

    /// <summary>Revocations whose <see cref="Revocation.Revocation.KeepUntil"/> is after <paramref name="now"/>.</summary>
    Task<IReadOnlyList<Revocation.Revocation>> ListRevocationsAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
