using System.Runtime.CompilerServices;
using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Storage;

namespace Mandate.Storage.InMemory;

/// <summary>
/// The reference store: the whole store contract held in memory, with the SQLite store's semantics (one
/// all-or-nothing transaction per commit, the audit chain linked last with <see cref="AuditChain"/>,
/// the same upsert and constraint rules) and none of its I/O. It passes the same contract suite, so a stage
/// tested against it behaves the same on a real store. Set <see cref="Unavailable"/> to simulate an outage.
/// </summary>
/// <remarks>
/// Writes are serialized by one lock and build the next immutable state, swapped in only when the whole batch
/// applied; reads take the current state without the lock and so always see one committed snapshot.
/// </remarks>
public sealed partial class InMemoryMandateStore : IMandateStore
{
    private readonly Lock _gate = new();
    private readonly StoreHealth? _health;
    private InMemoryState _state = InMemoryState.Empty;
    private volatile bool _unavailable;
    private volatile bool _disposed;
    private long _commits;

    /// <summary>A new, empty store.</summary>
    public InMemoryMandateStore()
        : this(null)
    {
    }

    /// <param name="health">Told the outcome of every write, as the SQLite store tells it; null for none.</param>
    public InMemoryMandateStore(StoreHealth? health)
    {
        _health = health;
    }

    public string Description => "memory";

    /// <summary>
    /// While true, every read and write throws <see cref="StoreUnavailableException"/> (with
    /// <see cref="UnavailableCause"/>) and changes nothing, as a store that lost its database would.
    /// </summary>
    public bool Unavailable
    {
        get => _unavailable;
        set => _unavailable = value;
    }

    /// <summary>The cause the simulated outage reports; <see cref="StoreFailureCause.Unknown"/> by default.</summary>
    public StoreFailureCause UnavailableCause { get; set; }

    /// <summary>Writes made durable so far (commits, transitions and polls that changed the store).</summary>
    public long CommitCount => Interlocked.Read(ref _commits);

    /// <summary>Nothing to create: the store is ready when constructed. Kept so callers can migrate any store alike.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfUnusable("apply schema migrations");
        return Task.CompletedTask;
    }

    /// <summary>
    /// Applies <paramref name="batch"/> to a copy of the state and swaps it in: either all of it becomes
    /// visible or, when a change breaks a constraint, none of it.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store is <see cref="Unavailable"/>, or a change broke a
    /// constraint (a missing required value, a duplicate id); nothing of the batch was written.</exception>
    public Task CommitAsync(StoreBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        Write("commit a batch", writer =>
        {
            writer.Write(batch);
            return true;
        });
        return Task.CompletedTask;
    }

    public IAsyncEnumerable<AuditRecord> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit);
        return ReadAuditCoreAsync(Read("read the audit log"), query, cancellationToken);
    }

    public Task<Core.Audit.Retention.AuditPruneAnchor?> ReadPruneAnchorAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read("read the prune anchor").PruneAnchor);
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }

    private static async IAsyncEnumerable<AuditRecord> ReadAuditCoreAsync(
        InMemoryState state, AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        foreach (var record in InMemoryAuditFilter.Apply(state.Audit, query))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return record;
        }
    }

    /// <summary>The current committed state, for a read.</summary>
    private InMemoryState Read(string action)
    {
        ThrowIfUnusable(action);
        return Volatile.Read(ref _state);
    }

    /// <summary>
    /// Runs <paramref name="change"/> on a writer over the current state under the lock and swaps in the
    /// result when it returns true; a throw or false leaves the store as it was.
    /// </summary>
    private bool Write(string action, Func<InMemoryBatchWriter, bool> change)
    {
        try
        {
            lock (_gate)
            {
                ThrowIfUnusable(action);
                var writer = new InMemoryBatchWriter(_state, Description);
                if (!change(writer))
                {
                    return false;
                }

                Volatile.Write(ref _state, writer.ToState());
                _commits++;
            }
        }
        catch (StoreUnavailableException failure)
        {
            _health?.ReportFailure(failure);
            throw;
        }

        _health?.ReportSuccess();
        return true;
    }

    private void ThrowIfUnusable(string action)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_unavailable)
        {
            throw new StoreUnavailableException(
                $"The store {Description} could not {action}: it is unavailable (simulated outage).", UnavailableCause);
        }
    }
}
