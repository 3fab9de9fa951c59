using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Core.Tests.Audit;

public sealed partial class AuditWriterTests
{
    private static readonly DateTimeOffset Epoch = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public async Task WriteAsync_200ConcurrentCallersDuringACommit_ShareOneCommit()
    {
        var gate = new CommitGate();
        var store = new ScriptedStore { OnCommit = (n, _) => n == 1 ? gate.HoldAsync() : Task.CompletedTask };
        await using var writer = new AuditWriter(store);

        var first = writer.CommitAsync(Batch(0), CancellationToken.None);
        await gate.WaitUntilEnteredAsync();
        var rest = new Task[199];
        Parallel.For(0, rest.Length, i => rest[i] = writer.CommitAsync(Batch(i + 1), CancellationToken.None));
        gate.Release();
        await Task.WhenAll([first, .. rest]);

        Assert.Equal(2, writer.CommitCount);
        Assert.Equal(200, writer.EventCount);
        Assert.Equal(200, writer.BatchCount);
        Assert.Equal([1, 199], store.Committed.Select(b => AuditEvents(b).Count));
    }

    [Fact]
    public async Task WriteAsync_MoreQueuedThanMaxBatchSize_SplitsIntoGroups()
    {
        var gate = new CommitGate();
        var store = new ScriptedStore { OnCommit = (n, _) => n == 1 ? gate.HoldAsync() : Task.CompletedTask };
        await using var writer = new AuditWriter(store, new AuditWriterOptions { MaxBatchSize = 10 });

        var first = writer.CommitAsync(Batch(0), CancellationToken.None);
        await gate.WaitUntilEnteredAsync();
        var rest = Enumerable.Range(1, 25).Select(n => writer.CommitAsync(Batch(n), CancellationToken.None)).ToArray();
        gate.Release();
        await Task.WhenAll([first, .. rest]);

        Assert.Equal([1, 10, 10, 5], store.Committed.Select(b => AuditEvents(b).Count));
    }

    [Fact]
    public async Task WriteAsync_GroupedCallers_KeepQueueOrderInOneBatch()
    {
        var gate = new CommitGate();
        var store = new ScriptedStore { OnCommit = (n, _) => n == 1 ? gate.HoldAsync() : Task.CompletedTask };
        await using var writer = new AuditWriter(store);

        var first = writer.CommitAsync(Batch(0), CancellationToken.None);
        await gate.WaitUntilEnteredAsync();
        var rest = Enumerable.Range(1, 5).Select(n => writer.CommitAsync(Batch(n), CancellationToken.None)).ToArray();
        gate.Release();
        await Task.WhenAll([first, .. rest]);

        Assert.Equal(["run-1", "run-2", "run-3", "run-4", "run-5"], AuditEvents(store.Committed[1]).Select(e => e.Run));
    }

    [Fact]
    public async Task WriteAsync_CommitFails_FaultsEveryWaiterInGroupThenNextSucceeds()
    {
        var gate = new CommitGate();
        var outage = new StoreUnavailableException("disk full");
        var store = new ScriptedStore
        {
            OnCommit = (n, _) => n switch
            {
                1 => gate.HoldAsync(),
                2 => Task.FromException(outage),
                _ => Task.CompletedTask,
            },
        };
        await using var writer = new AuditWriter(store);

        var first = writer.CommitAsync(Batch(0), CancellationToken.None);
        await gate.WaitUntilEnteredAsync();
        var doomed = Enumerable.Range(1, 10).Select(n => writer.CommitAsync(Batch(n), CancellationToken.None)).ToArray();
        gate.Release();
        await first;
        foreach (var write in doomed)
        {
            Assert.Same(outage, await Assert.ThrowsAsync<StoreUnavailableException>(() => write));
        }

        await writer.CommitAsync(Batch(11), CancellationToken.None);

        Assert.Equal(2, writer.CommitCount);
        Assert.Equal(1, writer.FailedCommitCount);
        Assert.Equal(2, writer.EventCount);
        Assert.Equal(["run-0", "run-11"], store.Committed.SelectMany(b => AuditEvents(b)).Select(e => e.Run));
    }

    [Fact]
    public async Task WriteAsync_OneBatchRejectedInAGroup_OnlyThatCallerFails_TheOthersAreCommittedAlone()
    {
        var gate = new CommitGate();
        var rejected = new StoreUnavailableException("constraint", StoreFailureCause.Rejected);
        var store = new ScriptedStore
        {
            OnCommit = (n, batch) => n == 1 ? gate.HoldAsync()
                : AuditEvents(batch).Any(e => e.Run == "run-2") ? Task.FromException(rejected) : Task.CompletedTask,
        };
        await using var writer = new AuditWriter(store);

        var first = writer.CommitAsync(Batch(0), CancellationToken.None);
        await gate.WaitUntilEnteredAsync();
        var group = Enumerable.Range(1, 3).Select(n => writer.CommitAsync(Batch(n), CancellationToken.None)).ToArray();
        gate.Release();
        await first;

        await group[0];
        Assert.Same(rejected, await Assert.ThrowsAsync<StoreUnavailableException>(() => group[1]));
        await group[2];
        Assert.Equal(["run-0", "run-1", "run-3"], store.Committed.SelectMany(b => AuditEvents(b)).Select(e => e.Run));
    }

    [Fact]
    public async Task WriteAsync_OutageInAGroup_IsNotRetriedBatchByBatch()
    {
        var gate = new CommitGate();
        var calls = 0;
        var store = new ScriptedStore
        {
            OnCommit = (n, _) =>
            {
                calls = n;
                return n == 1 ? gate.HoldAsync() : Task.FromException(new StoreUnavailableException("refused", StoreFailureCause.CannotOpen));
            },
        };
        await using var writer = new AuditWriter(store);

        var first = writer.CommitAsync(Batch(0), CancellationToken.None);
        await gate.WaitUntilEnteredAsync();
        var group = Enumerable.Range(1, 5).Select(n => writer.CommitAsync(Batch(n), CancellationToken.None)).ToArray();
        gate.Release();
        await first;
        foreach (var write in group)
        {
            await Assert.ThrowsAsync<StoreUnavailableException>(() => write);
        }

        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task WriteAsync_StoreThrowsUnexpectedException_FaultsWithStoreUnavailable()
    {
        var bug = new InvalidOperationException("bug in store");
        var store = new ScriptedStore { OnCommit = (_, _) => Task.FromException(bug) };
        await using var writer = new AuditWriter(store);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => writer.CommitAsync(Batch(0), CancellationToken.None));

        Assert.Same(bug, error.InnerException);
        Assert.Contains("scripted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_CallerCancelsWhileQueued_OnlyThatCallerIsCancelled()
    {
        var gate = new CommitGate();
        var store = new ScriptedStore { OnCommit = (n, _) => n == 1 ? gate.HoldAsync() : Task.CompletedTask };
        await using var writer = new AuditWriter(store);
        using var cancel = new CancellationTokenSource();

        var first = writer.CommitAsync(Batch(0), CancellationToken.None);
        await gate.WaitUntilEnteredAsync();
        var cancelled = writer.CommitAsync(Batch(1), cancel.Token);
        var other = writer.CommitAsync(Batch(2), CancellationToken.None);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.Release();
        await Task.WhenAll(first, other);
    }

    [Fact]
    public async Task WriteAsync_TokenAlreadyCancelled_QueuesNothing()
    {
        var store = new ScriptedStore();
        var writer = new AuditWriter(store);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.CommitAsync(Batch(0), new CancellationToken(canceled: true)));
        await writer.DisposeAsync();

        Assert.Empty(store.Committed);
    }

    [Fact]
    public async Task DisposeAsync_WithQueuedWrites_CommitsThemBeforeStopping()
    {
        var gate = new CommitGate();
        var store = new ScriptedStore { OnCommit = (n, _) => n == 1 ? gate.HoldAsync() : Task.CompletedTask };
        var writer = new AuditWriter(store);

        var first = writer.CommitAsync(Batch(0), CancellationToken.None);
        await gate.WaitUntilEnteredAsync();
        var queued = Enumerable.Range(1, 3).Select(n => writer.CommitAsync(Batch(n), CancellationToken.None)).ToArray();
        var disposing = writer.DisposeAsync().AsTask();
        gate.Release();
        await disposing;

        Assert.True(first.IsCompletedSuccessfully);
        Assert.All(queued, write => Assert.True(write.IsCompletedSuccessfully));
        Assert.Equal(4, store.Committed.Sum(b => AuditEvents(b).Count));
    }

    [Fact]
    public async Task WriteAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var writer = new AuditWriter(new ScriptedStore());
        await writer.DisposeAsync();

        // Thrown at the call, not through the task: writing after shutdown is a bug in the caller.
        Assert.Throws<ObjectDisposedException>(() => { _ = writer.CommitAsync(Batch(0), CancellationToken.None); });
    }

    [Fact]
    public void Constructor_MaxBatchSizeBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new AuditWriter(new ScriptedStore(), new AuditWriterOptions { MaxBatchSize = 0 }));
    }

    [Fact]
    public async Task WriteAsync_EncodesEventsBeforeQueueing_TheStoreGetsTheCanonicalPayloadAndCompactForm()
    {
        var store = new ScriptedStore();
        await using (var writer = new AuditWriter(store))
        {
            await writer.CommitAsync(Batch(7), CancellationToken.None);
        }

        var encoded = Assert.Single(store.Committed.SelectMany(b => b.Of<EncodedAuditEvent>()));
        Assert.Equal(AuditCanonicalJson.Serialize(encoded.Event), encoded.Payload);
        var split = AuditCompactForm.Split(encoded.Event);
        Assert.Equal(split.Shape.Body, encoded.Compact.Shape.Body);
        Assert.Equal(split.Shape.Key, encoded.Compact.Shape.Key);
        Assert.Equal(split with { Shape = encoded.Compact.Shape }, encoded.Compact);
        Assert.Empty(store.Committed.SelectMany(b => b.Of<AuditEvent>()));
    }

    private static IReadOnlyList<AuditEvent> AuditEvents(StoreBatch batch) => [.. batch.Of<EncodedAuditEvent>().Select(e => e.Event)];

    private static StoreBatch Batch(int n) =>
        new(new AuditEvent { Kind = AuditKinds.Decision, Time = Epoch.AddSeconds(n), Outcome = "allow", Run = $"run-{n}" });
}
