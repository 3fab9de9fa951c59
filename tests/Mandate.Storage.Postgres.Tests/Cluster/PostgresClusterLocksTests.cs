using Mandate.Core.Cluster;
using Mandate.Core.Storage;
using Mandate.Storage.Postgres.Cluster;
using Mandate.Testing;
using Xunit;

namespace Mandate.Storage.Postgres.Tests.Cluster;

public sealed class PostgresClusterLocksTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [PostgresFact]
    public async Task IsLeaderAsync_TwoNodes_ExactlyOneLeadsEachRoleAndKeepsIt()
    {
        await using var schema = TestSchema.Create();
        await using var a = new LocksHarness(schema.Options("node-a"));
        await using var b = new LocksHarness(schema.Options("node-b"));

        Assert.True(await a.LeadsAsync(ClusterRoles.LeaseReaper));
        for (var i = 0; i < 3; i++)
        {
            Assert.False(await b.LeadsAsync(ClusterRoles.LeaseReaper));
            Assert.True(await a.LeadsAsync(ClusterRoles.LeaseReaper));
        }
    }

    [PostgresFact]
    public async Task IsLeaderAsync_DifferentRoles_CanHaveDifferentLeaders()
    {
        await using var schema = TestSchema.Create();
        await using var a = new LocksHarness(schema.Options("node-a"));
        await using var b = new LocksHarness(schema.Options("node-b"));

        Assert.True(await a.LeadsAsync(ClusterRoles.LeaseReaper));
        Assert.True(await b.LeadsAsync(ClusterRoles.Maintenance));

        Assert.False(await a.LeadsAsync(ClusterRoles.Maintenance));
        Assert.False(await b.LeadsAsync(ClusterRoles.LeaseReaper));
    }

    [PostgresFact]
    public async Task IsLeaderAsync_LeaderSessionTerminated_OtherNodeTakesOverAndOldLeaderReportsFalse()
    {
        await using var schema = TestSchema.Create();
        await using var a = new LocksHarness(schema.Options("node-a"));
        await using var b = new LocksHarness(schema.Options("node-b"));
        Assert.True(await a.LeadsAsync(ClusterRoles.Maintenance));
        Assert.False(await b.LeadsAsync(ClusterRoles.Maintenance));

        await ClusterTestServer.TerminateAsync(a.Locks.LeaderProcessId(ClusterRoles.Maintenance)!.Value);

        Assert.True(await b.LeadsAsync(ClusterRoles.Maintenance));
        Assert.False(await a.LeadsAsync(ClusterRoles.Maintenance));
        Assert.False(await a.LeadsAsync(ClusterRoles.Maintenance));
        Assert.True(await b.LeadsAsync(ClusterRoles.Maintenance));
        Assert.Contains("no longer leads maintenance", a.Logs.Text, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task IsLeaderAsync_LeaderNodeStops_OtherNodeTakesOver()
    {
        await using var schema = TestSchema.Create();
        await using var b = new LocksHarness(schema.Options("node-b"));
        await using (var a = new LocksHarness(schema.Options("node-a")))
        {
            Assert.True(await a.LeadsAsync(ClusterRoles.SharedKeyRotation));
            Assert.False(await b.LeadsAsync(ClusterRoles.SharedKeyRotation));
        }

        // The server releases the lock when the closed session's backend exits, a moment after the close.
        await ClusterTestServer.WaitUntilAsync(() => b.LeadsAsync(ClusterRoles.SharedKeyRotation), Bound, "node-b leads once node-a stopped");
    }

    [PostgresFact]
    public async Task IsLeaderAsync_Leading_OneNamedSessionHoldsTheAdvisoryLock()
    {
        await using var schema = TestSchema.Create();
        await using var a = new LocksHarness(schema.Options("node-a"));
        Assert.True(await a.LeadsAsync(ClusterRoles.LeaseReaper));
        var pid = a.Locks.LeaderProcessId(ClusterRoles.LeaseReaper)!.Value;

        Assert.Equal("mandate:node-a:leader", await schema.ScalarAsync($"SELECT application_name FROM pg_stat_activity WHERE pid = {pid}"));
        Assert.Equal(1L, await schema.ScalarAsync(
            $"SELECT count(*) FROM pg_locks WHERE pid = {pid} AND locktype = 'advisory' AND granted"));
    }

    [PostgresFact]
    public async Task IsLeaderAsync_ServerUnreachable_ReturnsFalseWithoutThrowing()
    {
        await using var node = new LocksHarness(ClusterTestServer.Unreachable("hunter2-locks"));

        Assert.False(await node.LeadsAsync(ClusterRoles.LeaseReaper));
        Assert.False(await node.LeadsAsync(ClusterRoles.LeaseReaper));
        Assert.Contains("Could not ask postgres:127.0.0.1:", node.Logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-locks", node.Logs.Text, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task AcquireAsync_TwoNodes_NeverHeldByBothAtOnce()
    {
        await using var schema = TestSchema.Create();
        await using var a = new LocksHarness(schema.Options("node-a"));
        await using var b = new LocksHarness(schema.Options("node-b"));
        var inside = 0;
        var overlaps = 0;
        var entries = 0;

        async Task WorkAsync(LocksHarness node)
        {
            for (var i = 0; i < 5; i++)
            {
                await using var held = await node.Locks.AcquireAsync("rotate-signing", CancellationToken.None);
                if (Interlocked.Increment(ref inside) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                Interlocked.Increment(ref entries);
                await Task.Delay(20);
                Interlocked.Decrement(ref inside);
            }
        }

        await Task.WhenAll(WorkAsync(a), WorkAsync(b)).WaitAsync(Bound);

        Assert.Equal(10, entries);
        Assert.Equal(0, overlaps);
    }

    [PostgresFact]
    public async Task AcquireAsync_HeldByOtherNode_WaitsUntilReleased()
    {
        await using var schema = TestSchema.Create();
        await using var a = new LocksHarness(schema.Options("node-a"));
        await using var b = new LocksHarness(schema.Options("node-b"));
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();

        var heldByA = await a.Locks.AcquireAsync("rotate-ca", CancellationToken.None);
        order.Enqueue("a in");
        var waitingB = Task.Run(async () =>
        {
            var held = await b.Locks.AcquireAsync("rotate-ca", CancellationToken.None);
            order.Enqueue("b in");
            return held;
        });

        await Task.Delay(300);
        Assert.False(waitingB.IsCompleted);
        order.Enqueue("a out");
        await heldByA.DisposeAsync();
        await using var heldByB = await waitingB.WaitAsync(Bound);

        Assert.Equal(["a in", "a out", "b in"], order.ToArray());
    }

    [PostgresFact]
    public async Task AcquireAsync_CancelledWhileWaiting_ThrowsAndLeavesTheLockFree()
    {
        await using var schema = TestSchema.Create();
        await using var a = new LocksHarness(schema.Options("node-a"));
        await using var b = new LocksHarness(schema.Options("node-b"));
        var heldByA = await a.Locks.AcquireAsync("rotate", CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b.Locks.AcquireAsync("rotate", cancel.Token).WaitAsync(Bound));

        await heldByA.DisposeAsync();
        await using var again = await a.Locks.AcquireAsync("rotate", CancellationToken.None).WaitAsync(Bound);
    }

    [PostgresFact]
    public async Task AcquireAsync_SessionLostBeforeRelease_DisposeDoesNotThrowAndLockIsFree()
    {
        await using var schema = TestSchema.Create();
        await using var a = new LocksHarness(schema.Options("node-a"));
        await using var b = new LocksHarness(schema.Options("node-b"));
        var heldByA = await a.Locks.AcquireAsync("rotate", CancellationToken.None);

        await ClusterTestServer.TerminateAsync(Assert.IsType<HeldMutex>(heldByA).ProcessId);
        await heldByA.DisposeAsync();

        await using var heldByB = await b.Locks.AcquireAsync("rotate", CancellationToken.None).WaitAsync(Bound);
        Assert.Contains("Could not release the cluster lock 'rotate'", a.Logs.Text, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task AcquireAsync_Released_ItsSessionIsClosedNotPooled()
    {
        await using var schema = TestSchema.Create();
        await using var a = new LocksHarness(schema.Options("node-a"));
        var held = await a.Locks.AcquireAsync("rotate", CancellationToken.None);
        var pid = Assert.IsType<HeldMutex>(held).ProcessId;

        await held.DisposeAsync();

        await ClusterTestServer.WaitUntilAsync(
            async () => await schema.ScalarAsync($"SELECT count(*) FROM pg_stat_activity WHERE pid = {pid}") is 0L,
            Bound,
            "the mutex session ended");
    }

    [PostgresFact]
    public async Task AcquireAsync_SameNameInTwoSchemas_DoesNotCollide()
    {
        await using var first = TestSchema.Create();
        await using var second = TestSchema.Create();
        await using var a = new LocksHarness(first.Options("node-a"));
        await using var b = new LocksHarness(second.Options("node-a"));

        await using var heldInFirst = await a.Locks.AcquireAsync("rotate", CancellationToken.None);
        await using var heldInSecond = await b.Locks.AcquireAsync("rotate", CancellationToken.None).WaitAsync(Bound);

        Assert.True(await a.LeadsAsync(ClusterRoles.LeaseReaper));
        Assert.True(await b.LeadsAsync(ClusterRoles.LeaseReaper));
    }

    [PostgresFact]
    public async Task AcquireAsync_ServerUnreachable_ThrowsStoreUnavailable()
    {
        await using var node = new LocksHarness(ClusterTestServer.Unreachable("hunter2-mutex"));

        var e = await Assert.ThrowsAsync<StoreUnavailableException>(() => node.Locks.AcquireAsync("rotate", CancellationToken.None));

        Assert.Contains("postgres:127.0.0.1:", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-mutex", e.Message, StringComparison.Ordinal);
    }
}
