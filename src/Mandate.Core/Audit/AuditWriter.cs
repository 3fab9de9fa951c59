using System.Threading.Channels;
using Mandate.Core.Storage;
using Mandate.Core.Telemetry;

namespace Mandate.Core.Audit;

/// <summary>
/// Makes audit writes durable with group commit: callers enqueue, one background loop drains whatever
/// is queued (up to <see cref="AuditWriterOptions.MaxBatchSize"/>), commits it in one store transaction
/// and completes every caller at once. Under load many requests share one fsync, which is what keeps
/// "audit before credential" cheap. A lone exchange commits its own write (AuditWriter.Alone.cs).
/// </summary>
/// <remarks>
/// A caller whose token is cancelled stops waiting, but a write already queued may still become durable;
/// such a caller must treat the write as failed and issue nothing, so an extra record is the only effect.
/// </remarks>
public sealed partial class AuditWriter : IUnitOfWork, IAsyncDisposable
{
    private readonly IStorageKernel _store;
    private readonly int _maxBatchSize;
    private readonly AuditCommitDelay _delay;
    private readonly Channel<PendingWrite> _queue;
    private readonly Task _loop;
    private readonly LoopWake _wake = new();
    // Held by whoever is committing to the store: the loop, or an exchange alone committing its own write.
    private readonly SemaphoreSlim _storeTurn = new(1, 1);
    private volatile bool _closed;
    private long _commits;
    private long _failedCommits;
    private long _batches;
    private long _events;
    // Written by one group commit at a time (the loop waits for each); DisposeAsync reads it once the loop has ended.
    private Task _releases = Task.CompletedTask;
    private TaskCompletionSource _nextCommit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AuditWriter(IStorageKernel store, AuditWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new AuditWriterOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CommitDelay, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CommitSiblings, 1, nameof(options));

        _store = store;
        Options = options;
        _maxBatchSize = options.MaxBatchSize;
        _delay = new AuditCommitDelay(options.CommitDelay, options.CommitSiblings);
        _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
        // The loop gets a thread of its own (LongRunning): a store such as SQLite does its writes and the fsync
        // synchronously, and on a small machine a pool thread blocked there is a large share of the request threads.
        _loop = Task.Factory.StartNew(RunCommitLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>The settings it runs with (<c>audit.commit_delay_ms</c> and <c>audit.commit_siblings</c> in the broker).</summary>
    public AuditWriterOptions Options { get; }

    /// <summary>Store commits that succeeded.</summary>
    public long CommitCount => Interlocked.Read(ref _commits);

    /// <summary>Store commits that failed (all their callers were faulted).</summary>
    public long FailedCommitCount => Interlocked.Read(ref _failedCommits);

    /// <summary>Caller batches made durable.</summary>
    public long BatchCount => Interlocked.Read(ref _batches);

    /// <summary>Audit events made durable.</summary>
    public long EventCount => Interlocked.Read(ref _events);

    /// <summary>
    /// Marks one exchange in progress that will commit through this writer, until disposed: while enough of them
    /// have not reached the writer yet, a group commit waits <see cref="AuditWriterOptions.CommitDelay"/> for them.
    /// </summary>
    public ExpectedWrite Expect()
    {
        _delay.ExchangeStarted();
        return new ExpectedWrite(_delay);
    }

    /// <summary>
    /// Completes at the next successful commit: a reader that tails the log (the audit stream) waits on it instead of
    /// polling. Take it before reading, so a commit during the read is not missed.
    /// </summary>
    public Task NextCommit => Volatile.Read(ref _nextCommit).Task;

    /// <summary>
    /// Completes when <paramref name="batch"/> is durable. Faults with <see cref="StoreUnavailableException"/> when the
    /// commit that carried it failed; then none of it was written and the caller must fail closed. The only exchange in
    /// progress commits on its own thread before this returns (<see cref="TakeTheTurnAlone"/>): a caller that must not
    /// wait yields first.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The writer is disposed.</exception>
    public Task CommitAsync(StoreBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        // Encoded here, on the caller's thread, so the one commit loop only links hashes and writes rows.
        // Queued (or committed) before returning, so a caller holding the task knows its write is in line.
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var write = new PendingWrite(EncodedAuditEvent.EncodeAll(batch), completion);
        var durable = TakeTheTurnAlone() ? CommitAloneAsync(write) : Enqueue(write);
        return cancellationToken.CanBeCanceled ? durable.WaitAsync(cancellationToken) : durable;
    }

    /// <summary>Stops accepting writes, commits everything already queued, then stops the loop.</summary>
    public async ValueTask DisposeAsync()
    {
        _closed = true;
        _queue.Writer.TryComplete();
        await _loop;
        // A write committing alone finishes first; one that takes the turn after this sees _closed and backs off.
        await _storeTurn.WaitAsync();
        _storeTurn.Release();
        await _releases;
        _wake.Dispose();
    }

    private Task Enqueue(PendingWrite write)
    {
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(write), this);
        _delay.Queued();
        return write.Completion.Task;
    }

    private void RunCommitLoop()
    {
        var reader = _queue.Reader;
        var group = new List<PendingWrite>(_maxBatchSize);
        while (_wake.Block(reader.WaitToReadAsync()))
        {
            // Under load each commit would otherwise carry one fsync's worth of arrivals; see AuditCommitDelay.
            _delay.WaitForSiblings();
            _wake.Block(_storeTurn.WaitAsync());

            while (group.Count < _maxBatchSize && reader.TryRead(out var write))
            {
                group.Add(write);
            }

            try
            {
                // Blocks this thread only: a synchronous store completes inline, an asynchronous one (Npgsql) on the pool.
                _wake.Block(CommitGroupAsync(group, alone: false));
            }
            finally
            {
                _storeTurn.Release();
            }

            group.Clear();
        }
    }

    private async Task CommitGroupAsync(List<PendingWrite> group, bool alone)
    {
        var batches = new StoreBatch[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            batches[i] = group[i].Batch;
        }

        var combined = StoreBatch.Combine(batches);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            // Not cancellable: once a group is in the store's hands the outcome must be known to every caller.
            await _store.CommitAsync(combined, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Any failure, not only an outage: the loop must outlive it and every caller must fail closed.
            Interlocked.Increment(ref _failedCommits);
            if (group.Count > 1 && IsTheBatchesFault(ex))
            {
                // One request's batch must not fail the others it happened to share a commit with. An outage is
                // never retried this way: it would multiply the wait by the group's size.
                foreach (var write in group)
                {
                    await CommitGroupAsync([write], alone);
                }

                return;
            }

            var failure = ex as StoreUnavailableException
                ?? new StoreUnavailableException($"The audit commit to {_store.Description} failed unexpectedly.", ex);
            _delay.Done(group.Count);
            foreach (var write in group)
            {
                write.Completion.TrySetException(failure);
            }

            return;
        }

        Interlocked.Increment(ref _commits);
        MandateTelemetry.AuditBatchSize.Record(group.Count);
        MandateTelemetry.AuditCommitDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        Interlocked.Add(ref _batches, group.Count);
        Interlocked.Add(ref _events, combined.Changes.Count(c => c is EncodedAuditEvent));
        _delay.Done(group.Count);
        if (alone)
        {
            // Its caller is this thread and waits for nothing else: no continuation to hand to the pool.
            group[0].Completion.TrySetResult();
        }
        else
        {
            Release(group);
        }

        Interlocked.Exchange(ref _nextCommit, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>
    /// Completes a committed group's callers from one thread-pool work item rather than from this thread: each
    /// completion queued from outside the pool may wake a worker, and from inside it they go to that worker's own
    /// queue for the others to take; the loop meanwhile starts on the next group.
    /// </summary>
    private void Release(List<PendingWrite> group)
    {
        var completions = new TaskCompletionSource[group.Count];
        for (var i = 0; i < completions.Length; i++)
        {
            completions[i] = group[i].Completion;
        }

        var release = Task.Factory.StartNew(
            static state =>
            {
                foreach (var completion in (TaskCompletionSource[])state!)
                {
                    completion.TrySetResult();
                }
            },
            completions,
            CancellationToken.None,
            TaskCreationOptions.DenyChildAttach,
            TaskScheduler.Default);
        _releases = _releases.IsCompleted ? release : Task.WhenAll(_releases, release);
    }

    private static bool IsTheBatchesFault(Exception ex) =>
        ex is ArgumentException or StoreUnavailableException { Cause: StoreFailureCause.Rejected };

    private readonly record struct PendingWrite(StoreBatch Batch, TaskCompletionSource Completion);

    /// <summary>One exchange on its way to the writer (<see cref="Expect"/>); dispose once, when the exchange ends.</summary>
    public readonly struct ExpectedWrite : IDisposable
    {
        private readonly AuditCommitDelay? _delay;

        internal ExpectedWrite(AuditCommitDelay delay) => _delay = delay;

        public void Dispose() => _delay?.ExchangeEnded();
    }
}
