using Mandate.Core.Audit;
using Mandate.Core.Keys;
using Mandate.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a commit returns
/// only once it is on disk. Writes go through one connection, one at a time; reads open their own
/// connections and see committed snapshots without blocking writes. Other processes may share the
/// file: every commit takes SQLite's write lock (<c>BEGIN IMMEDIATE</c>) and links to the tail it reads
/// under that lock.
/// </summary>
public sealed partial class SqliteMandateStore : IMandateStore
{
    private readonly SqliteConnectionFactory _connections;
    private readonly TimeProvider _timeProvider;

    // SQLite admits one writer at a time anyway; queueing here keeps callers off its busy-retry loop.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;
    private bool _disposed;

    public SqliteMandateStore(SqliteStoreOptions options)
        : this(options, TimeProvider.System)
    {
    }

    /// <param name="options">Where the database lives and how long writes wait for a lock.</param>
    /// <param name="timeProvider">Stamps applied migrations.</param>
    public SqliteMandateStore(SqliteStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.FilePath, nameof(options));
        if (options.BusyTimeout <= TimeSpan.Zero || options.BusyTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options), options.BusyTimeout, "BusyTimeout must be positive and under 24 days.");
        }

        _connections = new SqliteConnectionFactory(Path.GetFullPath(options.FilePath), options.BusyTimeout);
        _timeProvider = timeProvider;
        Description = "sqlite:" + _connections.FullPath;
    }

    public string Description { get; }

    public async Task MigrateAsync(CancellationToken cancellationToken) =>
        await WriteAsync(
            "apply schema migrations",
            "No migration was left half-applied.",
            connection => SqliteMigrator.MigrateAsync(connection, Description, _timeProvider, cancellationToken),
            cancellationToken);

    /// <summary>
    /// Commits <paramref name="batch"/> in one <c>BEGIN IMMEDIATE</c> transaction: audit events chained to
    /// the tail, revocations inserted (an existing id is kept), keys upserted by kid.
    /// </summary>
    /// <exception cref="StoreUnavailableException">Locked past the busy timeout, disk full, read-only, I/O
    /// error, or the schema is missing; nothing of the batch was written.</exception>
    public async Task CommitAsync(StoreBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.AuditEvents.Count == 0 && batch.Revocations.Count == 0 && batch.Keys.Count == 0 && batch.Runs.Count == 0 && batch.DatabaseLeases.Count == 0 && !batch.HasPolicyState && !batch.HasRegistrationEntries && !batch.HasSecrets)
        {
            return;
        }

        await WriteAsync(
            "commit a batch",
            "Nothing of the batch was written.",
            async connection =>
            {
                await using var transaction = connection.BeginTransaction(deferred: false);
                await SqliteBatchWriter.WriteAsync(connection, batch, cancellationToken);

                // Synchronous on purpose: past this point a cancelled token must not leave the outcome unknown.
                transaction.Commit();
            },
            cancellationToken);
    }

    public IAsyncEnumerable<AuditRecord> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return SqliteAuditReader.ReadAsync(_connections, Description, query, cancellationToken);
    }

    public Task<IReadOnlyList<StoredKey>> ListKeysAsync(string purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        return ReadAsync(
            "list keys",
            connection => SqliteStateReader.ListKeysAsync(connection, purpose, cancellationToken),
            cancellationToken);
    }

    public Task<IReadOnlyList<Core.Revocation.Revocation>> ListRevocationsAsync(
        DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync(
            "list revocations",
            connection => SqliteStateReader.ListRevocationsAsync(connection, now, cancellationToken),
            cancellationToken);

    public Task<Core.Runs.RunRecord?> GetRunAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return ReadAsync("read a run", connection => SqliteRunStore.GetAsync(connection, id, cancellationToken), cancellationToken);
    }

    public Task<IReadOnlyList<Core.Runs.RunRecord>> ListRunsAsync(Core.Runs.RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync("list runs", connection => SqliteRunStore.ListAsync(connection, query, cancellationToken), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            _disposed = true;
            if (_writer is not null)
            {
                await _writer.DisposeAsync();
                _writer = null;
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task WriteAsync(
        string action, string consequence, Func<SqliteConnection, Task> write, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _writer ??= await _connections.OpenWriterAsync(cancellationToken);
            await write(_writer);
        }
        catch (Exception ex) when (SqliteErrors.IsStoreFailure(ex))
        {
            // After an I/O error the connection's state is unknown; the next write starts on a fresh one.
            await DropWriterAsync();
            throw SqliteErrors.Unavailable(Description, action, ex, consequence);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<T> ReadAsync<T>(string action, Func<SqliteConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            await using var connection = await _connections.OpenReaderAsync(cancellationToken);
            return await read(connection);
        }
        catch (Exception ex) when (SqliteErrors.IsStoreFailure(ex))
        {
            throw SqliteErrors.Unavailable(Description, action, ex);
        }
    }

    private async Task DropWriterAsync()
    {
        if (_writer is null)
        {
            return;
        }

        try
        {
            await _writer.DisposeAsync();
        }
        catch (SqliteException)
        {
            // Closing a broken connection may fail too; it is discarded either way.
        }

        _writer = null;
    }
}
