using Mandate.Core;
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
    private readonly bool _readOnly;
    private readonly StoreHealth? _health;
    private readonly SqliteFileGuard _files;
    private readonly SqliteWalBound _wal;
    private readonly string _busyTimeout;

    // SQLite admits one writer at a time anyway; queueing here keeps callers off its busy-retry loop.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private SqliteConnection? _writer;
    private bool _opened;
    private bool _rescued;
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

        ArgumentOutOfRangeException.ThrowIfLessThan(options.WalSizeLimitBytes, 0, nameof(options));
        _connections = new SqliteConnectionFactory(Path.GetFullPath(options.FilePath), options.BusyTimeout, options.WalSizeLimitBytes, options.ReadOnly);
        _timeProvider = timeProvider;
        _readOnly = options.ReadOnly;
        _health = options.Health;
        _files = new SqliteFileGuard(_connections.FullPath, _connections.WalPath);
        _wal = new SqliteWalBound(_connections.WalPath, options.WalSizeLimitBytes, options.Health);
        _busyTimeout = ((long)Math.Ceiling(options.BusyTimeout.TotalMilliseconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Description = "sqlite:" + _connections.FullPath;
    }

    /// <summary>Checkpoints of the WAL were blocked at the last attempt (e.g. by a long reader).</summary>
    public bool CheckpointBlocked => _wal.Blocked;

    /// <summary>
    /// For a store opened <see cref="SqliteStoreOptions.ReadOnly"/>: succeeds when the database exists and its
    /// schema is exactly the one this build reads; never migrates.
    /// </summary>
    /// <exception cref="StoreSchemaException">The schema is older or newer than this build's.</exception>
    /// <exception cref="StoreUnavailableException">The file cannot be opened or read.</exception>
    public Task CheckSchemaAsync(CancellationToken cancellationToken) =>
        ReadAsync(
            "read its schema version",
            async connection =>
            {
                var current = await SqliteMigrator.ReadVersionAsync(connection, cancellationToken);
                SqliteMigrator.RequireCurrent(current, Description);
                return current;
            },
            cancellationToken);

    public string Description { get; }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await SqliteMigrator.RefuseForeignDatabaseAsync(_connections, Description, cancellationToken);
        await WriteAsync(
            "apply schema migrations",
            "No migration was left half-applied.",
            connection => SqliteMigrator.MigrateAsync(connection, Description, _timeProvider, cancellationToken),
            cancellationToken);
    }

    /// <summary>
    /// Commits <paramref name="batch"/> in one <c>BEGIN IMMEDIATE</c> transaction: each change written to its
    /// table in batch order (see <see cref="SqliteBatchWriter"/>), then the audit events chained to the tail.
    /// </summary>
    /// <exception cref="StoreUnavailableException">Locked past the busy timeout, disk full, read-only, I/O
    /// error, or the schema is missing; nothing of the batch was written.</exception>
    public async Task CommitAsync(StoreBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.IsEmpty)
        {
            return;
        }

        await WriteAsync(
            "commit a batch",
            "Nothing of the batch was written.",
            async connection =>
            {
                await using var transaction = connection.BeginTransaction(deferred: false);
                await SqliteBatchWriter.WriteAsync(connection, transaction, batch, cancellationToken);

                // Synchronous on purpose: past this point a cancelled token must not leave the outcome unknown.
                transaction.Commit();
            },
            cancellationToken);
    }

    public IAsyncEnumerable<AuditRecord> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_files.Lost is { } lost)
        {
            throw lost;
        }

        return SqliteAuditReader.ReadAsync(_connections, Description, query, cancellationToken);
    }

    public Task<Core.Audit.Retention.AuditPruneAnchor?> ReadPruneAnchorAsync(CancellationToken cancellationToken) =>
        ReadAsync("read the prune anchor", connection => SqliteAuditPrune.ReadAsync(connection, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<StoredKey>> ListKeysAsync(string purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        return ReadAsync(
            "list keys",
            connection => SqliteStateReader.ListKeysAsync(connection, purpose, cancellationToken),
            cancellationToken);
    }

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
        if (_readOnly)
        {
            throw new InvalidOperationException($"The store {Description} was opened read-only; it cannot {action}.");
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writer is null)
            {
                // Only the first open may create the file; a reopen after a failure must find the same one.
                _writer = await _connections.OpenWriterAsync(create: !_opened, cancellationToken);
                _opened = true;
                _files.Opened(Description);
            }

            if (_files.Check(Description) is { } lost)
            {
                await RescueWalAsync();
                throw lost;
            }

            await write(_writer);
            _health?.ReportSuccess();
            await _wal.AfterCommitAsync(_writer, _busyTimeout, cancellationToken);
        }
        catch (StoreUnavailableException failure)
        {
            _health?.ReportFailure(failure);
            throw;
        }
        catch (Exception ex) when (SqliteErrors.IsStoreFailure(ex))
        {
            // After an I/O error the connection's state is unknown; the next write starts on a fresh one.
            await DropWriterAsync();
            var failure = SqliteErrors.Unavailable(Description, action, ex, consequence);
            _health?.ReportFailure(failure);
            throw failure;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// The WAL was deleted under the open writer: its frames are still readable through the open handle, so
    /// copy them into the database file (which is still the one at the path) before stopping.
    /// </summary>
    private async Task RescueWalAsync()
    {
        if (!_files.OnlyWalLost || _writer is null || _rescued)
        {
            return;
        }

        _rescued = true;
        try
        {
            await SqliteConnectionFactory.ExecuteAsync(_writer, "PRAGMA wal_checkpoint(FULL);", CancellationToken.None);
        }
        catch (SqliteException)
        {
            // Best effort: the store stops either way.
        }
    }

    private async Task<T> ReadAsync<T>(string action, Func<SqliteConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_files.Lost is { } lost)
        {
            // The file at the path is not the store this broker wrote: its answers would be about another store.
            throw lost;
        }

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
