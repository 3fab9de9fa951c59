using System.Runtime.CompilerServices;
using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Npgsql;

namespace Mandate.Storage.Postgres;

/// <summary>
/// The store for several broker nodes on one PostgreSQL: every aggregate of the store contract, in the schema of
/// <see cref="PostgresDatabase"/>. Every commit (and approval transition) runs in one transaction that first takes
/// the cluster's audit advisory lock, reads the chain's tail, writes its changes, chains and inserts its audit
/// events, and notifies the change topics it touched: one hash chain for the whole cluster, serialised per commit
/// batch (many requests per batch through Core's group-commit <see cref="AuditWriter"/>), durable before it returns
/// (<c>synchronous_commit = on</c>). Any database failure is a <see cref="StoreUnavailableException"/> naming the
/// database (never its password); nothing of a failed batch is written.
/// </summary>
/// <remarks>The store does not own <see cref="PostgresDatabase"/>: the host disposes it after every user.</remarks>
public sealed partial class PostgresMandateStore : IMandateStore
{
    private const int AuditPageSize = 2000;
    private readonly PostgresDatabase _database;
    private readonly bool _readOnly;
    private readonly StoreHealth? _health;
    private readonly long _auditLockKey;
    private volatile bool _disposed;

    /// <param name="database">The node's connections; shared with the change feed and the cluster locks.</param>
    /// <param name="readOnly">For offline commands: reads only; never migrates, refuses every write.</param>
    /// <param name="health">Told the outcome of every write, as the SQLite store tells it, so an outage is logged once
    /// and waiting writers retry when it ends; null for none.</param>
    public PostgresMandateStore(PostgresDatabase database, bool readOnly = false, StoreHealth? health = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _readOnly = readOnly;
        _health = health;
        _auditLockKey = PostgresLockKeys.For(database.Options.Schema, PostgresLockKeys.Audit);
    }

    /// <summary>Host, port, database and schema; never the password.</summary>
    public string Description => _database.Description;

    /// <summary>
    /// Succeeds when the schema exists and is exactly the one this build reads; never migrates (for a store opened
    /// read-only, and for a node that must not start on a schema it does not know).
    /// </summary>
    /// <exception cref="StoreSchemaException">The schema is missing, older or newer than this build's.</exception>
    /// <exception cref="StoreUnavailableException">The database cannot be reached or read.</exception>
    public async Task CheckSchemaAsync(CancellationToken cancellationToken)
    {
        var current = await ReadAsync("read its schema version", c => PostgresMigrator.ReadVersionAsync(c, cancellationToken), cancellationToken);
        PostgresMigrator.RequireCurrent(current, Description);
    }

    /// <summary>Creates the schema or applies pending migrations, in order, each once, one migrator at a time.</summary>
    /// <exception cref="StoreSchemaException">The database was migrated by a newer build.</exception>
    /// <exception cref="InvalidOperationException">The store was opened read-only.</exception>
    public Task MigrateAsync(CancellationToken cancellationToken) =>
        WriteAsync(
            "apply schema migrations",
            "No migration was left half-applied.",
            async (connection, transaction) =>
            {
                await PostgresMigrator.MigrateAsync(connection, transaction, _database.Options.Schema, Description, cancellationToken);
                return (true, true);
            },
            cancellationToken);

    /// <summary>
    /// Commits <paramref name="batch"/> in one transaction under the audit lock (see <see cref="PostgresBatchWriter"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The batch holds a change this store does not know; nothing was sent.</exception>
    /// <exception cref="StoreUnavailableException">The database failed or a change broke a constraint; nothing of the batch was written.</exception>
    public async Task CommitAsync(StoreBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.IsEmpty)
        {
            return;
        }

        var writer = PostgresBatchWriter.Prepare(batch);
        await WriteAsync(
            "commit a batch",
            "Nothing of the batch was written.",
            async (connection, transaction) =>
            {
                var (tail, _) = await PostgresBatchWriter.LockAsync(connection, transaction, _auditLockKey, null, cancellationToken);
                await writer.WriteAsync(connection, transaction, tail, cancellationToken);
                return (true, true);
            },
            cancellationToken);
    }

    public IAsyncEnumerable<AuditRecord> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ReadAuditCoreAsync(query, cancellationToken);
    }

    public Task<Core.Audit.Retention.AuditPruneAnchor?> ReadPruneAnchorAsync(CancellationToken cancellationToken) =>
        ReadAsync("read the prune anchor", connection => PostgresAuditPruneSql.ReadAsync(connection, cancellationToken), cancellationToken);

    /// <summary>Marks the store closed; the database (and its pool) belongs to the host and stays open.</summary>
    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }

    private async IAsyncEnumerable<AuditRecord> ReadAuditCoreAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Pages by sequence number rather than one long statement: a verify of millions of records must not run into
        // the statement timeout, and no reader stays open while the caller works. Sequence numbers are handed out
        // under the commit lock, so a later page never finds a record that an earlier one should have held.
        const string action = "read the audit log";
        var remaining = query.Limit > 0 ? query.Limit : long.MaxValue;
        var rest = query;
        await using var connection = await Guard(action, () => _database.DataSource.OpenConnectionAsync(cancellationToken).AsTask());
        while (remaining > 0)
        {
            var page = rest with { Limit = (int)Math.Min(AuditPageSize, remaining) };
            var records = await Guard(action, () => ReadAuditPageAsync(connection, page, cancellationToken));
            foreach (var record in records)
            {
                yield return record;
            }

            if (records.Count < page.Limit)
            {
                yield break;
            }

            rest = rest.Past(records[^1].Sequence);
            remaining -= records.Count;
        }
    }

    // The records written before the compact form come first (their sequence numbers are all lower), then the compact
    // ones; newest first, the other way round.
    private static async Task<List<AuditRecord>> ReadAuditPageAsync(NpgsqlConnection connection, AuditQuery page, CancellationToken cancellationToken)
    {
        var records = new List<AuditRecord>(page.Limit);
        foreach (var legacy in page.NewestFirst ? new[] { false, true } : new[] { true, false })
        {
            if (records.Count >= page.Limit)
            {
                break;
            }

            var rest = records.Count == 0 ? page : page.Past(records[^1].Sequence) with { Limit = page.Limit - records.Count };
            await using var command = legacy ? PostgresAuditSql.QueryV1Command(connection, rest) : PostgresCompactAuditSql.QueryCommand(connection, rest);
            await ReadIntoAsync(command, records, legacy ? PostgresAuditSql.ReadV1Record : PostgresCompactAuditSql.ReadRecord, cancellationToken);
        }

        return records;
    }

    private static async Task ReadIntoAsync(
        NpgsqlCommand command, List<AuditRecord> records, Func<NpgsqlDataReader, AuditRecord> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(read(reader));
        }
    }

    private async Task<T> Guard<T>(string action, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (PostgresErrors.IsStoreFailure(ex))
        {
            throw PostgresErrors.Unavailable(Description, action, ex);
        }
    }

    /// <summary>Runs <paramref name="read"/> on a pooled connection; failures become <see cref="StoreUnavailableException"/>.</summary>
    private async Task<T> ReadAsync<T>(string action, Func<NpgsqlConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken);
            return await read(connection);
        }
        catch (Exception ex) when (PostgresErrors.IsStoreFailure(ex))
        {
            throw PostgresErrors.Unavailable(Description, action, ex);
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> in one transaction and commits it when it asks to; otherwise, or on any failure,
    /// the transaction rolls back and nothing of it is written.
    /// </summary>
    private async Task<T> WriteAsync<T>(
        string action,
        string consequence,
        Func<NpgsqlConnection, NpgsqlTransaction, Task<(T Result, bool Commit)>> write,
        CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_readOnly)
        {
            throw new InvalidOperationException($"The store {Description} was opened read-only; it cannot {action}.");
        }

        try
        {
            await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var (result, commit) = await write(connection, transaction);
            if (commit)
            {
                // Not cancellable: past this point a cancelled token must not leave the outcome unknown to the caller.
                await transaction.CommitAsync(CancellationToken.None);
            }

            _health?.ReportSuccess();
            return result;
        }
        catch (Exception ex) when (PostgresErrors.IsStoreFailure(ex))
        {
            var failure = PostgresErrors.Unavailable(Description, action, ex, consequence);
            _health?.ReportFailure(failure);
            throw failure;
        }
    }
}
