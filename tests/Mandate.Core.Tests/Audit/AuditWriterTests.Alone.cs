using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Core.Tests.Audit;

/// <summary>A write with no other exchange in progress commits on its caller's thread, never beside another commit.</summary>
public sealed partial class AuditWriterTests
{
    [Fact]
    public async Task CommitAsync_TheOnlyExchangeInProgress_CommitsOnTheCallersThreadAndIsDurableOnReturn()
    {
        var (store, storeThread) = ThreadRecordingStore();
        await using var writer = new AuditWriter(store);
        using var mine = writer.Expect();

        var write = writer.CommitAsync(Batch(0), CancellationToken.None);

        Assert.True(write.IsCompletedSuccessfully, "a synchronous store's commit was not finished when CommitAsync returned");
        Assert.Equal(Environment.CurrentManagedThreadId, storeThread());
        Assert.Single(store.Committed);
        Assert.Equal((1, 1), (writer.CommitCount, writer.EventCount));
    }

    [Fact]
    public async Task CommitAsync_AnotherExchangeInProgress_GoesThroughTheGroupCommitLoop()
    {
        var (store, storeThread) = ThreadRecordingStore();
        await using var writer = new AuditWriter(store);
        using var mine = writer.Expect();
        using var other = writer.Expect();

        var caller = Environment.CurrentManagedThreadId;
        await writer.CommitAsync(Batch(0), CancellationToken.None).WaitAsync(Bound);

        Assert.NotEqual(caller, storeThread());
        Assert.Single(store.Committed);
    }

    [Fact]
    public async Task CommitAsync_NoExchangeInProgress_GoesThroughTheGroupCommitLoop()
    {
        var (store, storeThread) = ThreadRecordingStore();
        await using var writer = new AuditWriter(store);

        var caller = Environment.CurrentManagedThreadId;
        await writer.CommitAsync(Batch(0), CancellationToken.None).WaitAsync(Bound);

        Assert.NotEqual(caller, storeThread());
    }

    [Fact]
    public async Task CommitAsync_WhileAWriteCommitsAlone_TheStoreNeverRunsTwoCommitsAtOnce()
    {
        var gate = new CommitGate();
        var inStore = 0;
        var mostAtOnce = 0;
        var store = new ScriptedStore
        {
            OnCommit = async (n, _) =>
            {
                var now = Interlocked.Increment(ref inStore);
                InterlockedMax(ref mostAtOnce, now);
                if (n == 1)
                {
                    await gate.HoldAsync();
                }

                Interlocked.Decrement(ref inStore);
            },
        };
        await using var writer = new AuditWriter(store);
        using var mine = writer.Expect();

        var alone = writer.CommitAsync(Batch(0), CancellationToken.None);
        await gate.WaitUntilEnteredAsync();
        var next = Enumerable.Range(1, 3).Select(n => writer.CommitAsync(Batch(n), CancellationToken.None)).ToArray();
        Assert.Empty(store.Committed);
        gate.Release();
        await Task.WhenAll([alone, .. next]).WaitAsync(Bound);

        Assert.Equal(1, mostAtOnce);
        Assert.Equal(["run-0", "run-1", "run-2", "run-3"], store.Committed.SelectMany(AuditEvents).Select(e => e.Run));
    }

    [Fact]
    public async Task CommitAsync_ACommitAloneFails_TheCallerFailsClosedAndTheNextWriteCommits()
    {
        var store = FirstCommitThrows(new StoreUnavailableException("disk full"));
        await using var writer = new AuditWriter(store);
        using var mine = writer.Expect();

        var failed = await Assert.ThrowsAsync<StoreUnavailableException>(() => writer.CommitAsync(Batch(0), CancellationToken.None));
        await writer.CommitAsync(Batch(1), CancellationToken.None).WaitAsync(Bound);

        Assert.Equal("disk full", failed.Message);
        Assert.Equal(["run-1"], store.Committed.SelectMany(AuditEvents).Select(e => e.Run));
        Assert.Equal((1, 1), (writer.FailedCommitCount, writer.CommitCount));
    }

    [Fact]
    public async Task CommitAsync_ACommitAloneIsRejected_OnlyThatCallerFails()
    {
        var store = FirstCommitThrows(new ArgumentException("a change this store cannot write"));
        await using var writer = new AuditWriter(store);
        using var mine = writer.Expect();

        var failed = await Assert.ThrowsAsync<StoreUnavailableException>(() => writer.CommitAsync(Batch(0), CancellationToken.None));
        await writer.CommitAsync(Batch(1), CancellationToken.None).WaitAsync(Bound);

        Assert.IsType<ArgumentException>(failed.InnerException);
        Assert.Single(store.Committed);
    }

    [Fact]
    public async Task DisposeAsync_WhileAWriteCommitsAlone_WaitsForItThenRefusesNewWrites()
    {
        var gate = new CommitGate();
        var store = new ScriptedStore { OnCommit = (n, _) => n == 1 ? gate.HoldAsync() : Task.CompletedTask };
        var writer = new AuditWriter(store);
        using var mine = writer.Expect();

        var alone = writer.CommitAsync(Batch(0), CancellationToken.None);
        await gate.WaitUntilEnteredAsync();
        var disposing = writer.DisposeAsync().AsTask();
        Assert.False(disposing.IsCompleted, "the writer stopped while a write was still committing");
        Assert.Throws<ObjectDisposedException>(() => { _ = writer.CommitAsync(Batch(1), CancellationToken.None); });
        gate.Release();
        await disposing.WaitAsync(Bound);

        // Durable before the writer stopped; its caller's task may finish a moment later on the caller's own thread.
        Assert.Equal(["run-0"], store.Committed.SelectMany(AuditEvents).Select(e => e.Run));
        await alone.WaitAsync(Bound);
    }

    [Fact]
    public async Task DisposeAsync_Twice_AfterAWriteCommittedAlone_Completes()
    {
        var writer = new AuditWriter(new ScriptedStore());
        using (writer.Expect())
        {
            await writer.CommitAsync(Batch(0), CancellationToken.None);
        }

        await writer.DisposeAsync().AsTask().WaitAsync(Bound);
        await writer.DisposeAsync().AsTask().WaitAsync(Bound);
    }

    private static (ScriptedStore Store, Func<int> StoreThread) ThreadRecordingStore()
    {
        var thread = 0;
        var store = new ScriptedStore { OnCommit = (_, _) => { thread = Environment.CurrentManagedThreadId; return Task.CompletedTask; } };
        return (store, () => thread);
    }

    private static ScriptedStore FirstCommitThrows(Exception failure) =>
        new() { OnCommit = (n, _) => n == 1 ? Task.FromException(failure) : Task.CompletedTask };

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
