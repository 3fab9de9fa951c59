using System.Diagnostics;
using Mandate.Core.Cluster;
using Mandate.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Mandate.Storage.Postgres.Tests.Cluster;

public sealed class PostgresChangeFeedLatencyTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [PostgresFact]
    public async Task RunAsync_TwoHundredNotifications_EachReachesOnChangeWellWithinTwoSeconds()
    {
        await using var schema = TestSchema.Create();
        var channel = ClusterTestServer.PrivateChannel();
        var arrived = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var feed = FeedHarness.Start(schema.Options(), channel, handler: topic =>
        {
            if (topic == ChangeTopic.Revocations)
            {
                Volatile.Read(ref arrived).TrySetResult(Stopwatch.GetTimestamp());
            }

            return Task.CompletedTask;
        });
        await feed.WaitCurrentAsync();
        await using var notifier = await ClusterTestServer.OpenAsync();
        var latencies = new List<double>();

        for (var i = 0; i < 200; i++)
        {
            Volatile.Write(ref arrived, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
            var sent = Stopwatch.GetTimestamp();

            // From sending the committing statement (so the commit's own round trip is included) to onChange.
            await ClusterTestServer.NotifyAsync(notifier, channel, "revocations");
            var at = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(2));
            latencies.Add(Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds);
        }

        latencies.Sort();
        output.WriteLine($"NOTIFY commit to onChange over {latencies.Count}: p50 {latencies[latencies.Count / 2]:F2} ms, p99 {latencies[(int)(latencies.Count * 0.99) - 1]:F2} ms, max {latencies[^1]:F2} ms");
        Assert.All(latencies, ms => Assert.True(ms < 2000, $"{ms} ms"));
    }

    [PostgresFact]
    public async Task RunAsync_BurstWhileHandlerBusy_CoalescedIntoOneCall()
    {
        await using var schema = TestSchema.Create();
        var channel = ClusterTestServer.PrivateChannel();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // No heartbeat in this test: the feed reads the clock only when it hears a notification, so the clock counts them.
        var heard = new ReadCountingClock();
        await using var feed = FeedHarness.Start(schema.Options(), channel, heard, configure: f => f.HeartbeatInterval = TimeSpan.FromMinutes(10));
        await feed.WaitCurrentAsync();
        var before = feed.Count(ChangeTopic.Revocations);
        var keysBefore = feed.Count(ChangeTopic.Keys);
        feed.Handler = async topic =>
        {
            if (topic == ChangeTopic.Revocations)
            {
                blocked.TrySetResult();
                await gate.Task;
            }
        };

        await using var notifier = await ClusterTestServer.OpenAsync();
        await ClusterTestServer.NotifyAsync(notifier, channel, "revocations");
        await blocked.Task.WaitAsync(Bound);
        var readsBefore = heard.Reads;

        // Fifty separate commits (one transaction would fold identical notifications into one by itself), then one of
        // another topic: notifications arrive in commit order, so once that one is heard the burst has been read.
        for (var i = 0; i < 50; i++)
        {
            await ClusterTestServer.NotifyAsync(notifier, channel, "revocations");
        }

        await ClusterTestServer.NotifyAsync(notifier, channel, "keys");
        await ClusterTestServer.WaitUntilAsync(() => heard.Reads >= readsBefore + 51, Bound, "the burst read while the handler is busy");
        gate.SetResult();

        await ClusterTestServer.WaitUntilAsync(
            () => feed.Count(ChangeTopic.Revocations) >= before + 2 && feed.Count(ChangeTopic.Keys) > keysBefore, Bound, "the burst handled");
        await Task.Delay(200);
        Assert.Equal(before + 2, feed.Count(ChangeTopic.Revocations));
        Assert.True(feed.Feed.IsCurrent);
    }

    /// <summary>The system clock, counting how often the time is read.</summary>
    private sealed class ReadCountingClock : TimeProvider
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public override DateTimeOffset GetUtcNow()
        {
            Interlocked.Increment(ref _reads);
            return base.GetUtcNow();
        }
    }
}
