using Mandate.Core.Storage;

namespace Mandate.Core.Revocation;

/// <summary>
/// Revocations already in force in this broker whose store write failed. Revoking only removes authority,
/// so it never waits for the store: the revocation bites at once (it is in the <see cref="RevocationList"/>)
/// and its row and audit record are written here as soon as the store takes writes again.
/// </summary>
public sealed class PendingRevocations
{
    private readonly Lock _gate = new();
    private readonly List<StoreBatch> _batches = [];
    private TaskCompletionSource _added = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Revocations waiting for the store.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _batches.Count;
            }
        }
    }

    /// <summary>Completes when a revocation is added after this was read (so a retry loop can wake at once).</summary>
    public Task Added
    {
        get
        {
            lock (_gate)
            {
                return _added.Task;
            }
        }
    }

    /// <summary>Queues the revocation's row and audit record (one batch) for writing.</summary>
    public void Add(StoreBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        TaskCompletionSource added;
        lock (_gate)
        {
            _batches.Add(batch);
            added = _added;
            _added = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        added.TrySetResult();
    }

    /// <summary>
    /// Writes every queued revocation in one batch. Returns how many became durable: all of them, or 0
    /// when the store still fails (they stay queued and in force).
    /// </summary>
    public async Task<int> RecordAsync(IUnitOfWork trail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trail);
        StoreBatch[] batches;
        lock (_gate)
        {
            batches = [.. _batches];
        }

        if (batches.Length == 0)
        {
            return 0;
        }

        try
        {
            await trail.CommitAsync(StoreBatch.Combine(batches), cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            return 0;
        }

        lock (_gate)
        {
            _batches.RemoveRange(0, batches.Length);
        }

        return batches.Length;
    }
}
