using Mandate.Core.Cluster;
using Mandate.Testing;
using Xunit;

namespace Mandate.Storage.Postgres.Tests.Cluster;

public sealed class PostgresChangeFeedTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [PostgresFact]
    public async Task RunAsync_Started_CatchesUpEveryTopicThenIsCurrent()
    {
        await using var schema = TestSchema.Create();
        var currentAtCall = new List<bool>();
        await using var feed = FeedHarness.Start(schema.Options(), ClusterTestServer.PrivateChannel());
        feed.Handler = _ =>
        {
            currentAtCall.Add(feed.Feed.IsCurrent);
            return Task.CompletedTask;
        };

        await feed.WaitCurrentAsync();

        Assert.Equal(Enum.GetValues<ChangeTopic>(), feed.Calls.ToArray());
        Assert.DoesNotContain(true, currentAtCall);
    }

    [PostgresFact]
    public async Task RunAsync_NotifyFromAnotherConnection_CallsOnChangeForItsTopic()
    {
        await using var schema = TestSchema.Create();
        await using var feed = FeedHarness.Start(schema.Options());
        await feed.WaitCurrentAsync();
        var keysBefore = feed.Count(ChangeTopic.Keys);

        // The real channel: other tests' notifications may arrive too, so count only upwards.
        await ClusterTestServer.NotifyAsync(PostgresChannels.Changes, PostgresChannels.Payload(ChangeTopic.Keys));

        await ClusterTestServer.WaitUntilAsync(() => feed.Count(ChangeTopic.Keys) > keysBefore, Bound, "onChange(Keys) after NOTIFY");
        Assert.True(feed.Feed.IsCurrent);
    }

    [PostgresFact]
    public async Task RunAsync_UnknownPayloadOrOtherChannel_IsIgnored()
    {
        await using var schema = TestSchema.Create();
        var channel = ClusterTestServer.PrivateChannel();
        await using var feed = FeedHarness.Start(schema.Options(), channel);
        await feed.WaitCurrentAsync();
        var before = feed.Calls.Count;

        await ClusterTestServer.NotifyAsync(channel, "something-else");
        await ClusterTestServer.NotifyAsync(channel, "revocations");

        await ClusterTestServer.WaitUntilAsync(() => feed.Calls.Count > before, Bound, "onChange after the valid NOTIFY");
        Assert.Equal([ChangeTopic.Revocations], feed.Calls.Skip(before).ToArray());
    }

    [PostgresFact]
    public async Task RunAsync_NotifyInRolledBackTransaction_IsNeverDelivered()
    {
        await using var schema = TestSchema.Create();
        var channel = ClusterTestServer.PrivateChannel();
        await using var feed = FeedHarness.Start(schema.Options(), channel);
        await feed.WaitCurrentAsync();
        var before = feed.Calls.Count;

        await using (var connection = await ClusterTestServer.OpenAsync())
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await ClusterTestServer.NotifyAsync(connection, channel, "keys", transaction);
            await transaction.RollbackAsync();

            // Notifications arrive in commit order: once this one is heard, the rolled-back one would have been.
            await ClusterTestServer.NotifyAsync(connection, channel, "revocations");
        }

        await ClusterTestServer.WaitUntilAsync(() => feed.Calls.Count > before, Bound, "the committed sentinel NOTIFY");
        await Task.Delay(100);
        Assert.Equal([ChangeTopic.Revocations], feed.Calls.Skip(before).ToArray());
    }

    [PostgresFact]
    public async Task RunAsync_ListenConnectionTerminated_GoesNotCurrentCatchesUpAndIsCurrentAgain()
    {
        await using var schema = TestSchema.Create();
        var channel = ClusterTestServer.PrivateChannel();
        // The feed waits before reconnecting on this clock: it stays not current until the test moves it, however slow the machine.
        var clock = new ManualTimeProvider();
        await using var feed = FeedHarness.Start(schema.Options(), channel, clock);
        await feed.WaitCurrentAsync();
        var pid = feed.Feed.ListenerProcessId!.Value;
        var keysBefore = feed.Count(ChangeTopic.Keys);
        var revocationsBefore = feed.Count(ChangeTopic.Revocations);
        var backingOff = clock.WhenTimerArmedAsync(TimeSpan.FromMilliseconds(100));

        await ClusterTestServer.TerminateAsync(pid);
        await backingOff.WaitAsync(Bound);
        Assert.False(feed.Feed.IsCurrent);
        Assert.Contains("Change feed lost", feed.Logs.Text, StringComparison.Ordinal);
        clock.Advance(TimeSpan.FromMilliseconds(100));

        // Nobody notifies Keys on this private channel: a new Keys call can only be the catch-up after reconnecting.
        await ClusterTestServer.WaitUntilAsync(
            () => feed.Count(ChangeTopic.Keys) > keysBefore && feed.Count(ChangeTopic.Revocations) > revocationsBefore && feed.Feed.IsCurrent,
            Bound,
            "catch-up of every topic and current again");
        Assert.NotEqual(pid, feed.Feed.ListenerProcessId);
    }

    [PostgresFact]
    public async Task RunAsync_ChangeCommittedWhileDisconnected_IsReadByTheCatchUp()
    {
        await using var schema = TestSchema.Create();
        await schema.ExecuteAsync($"CREATE SCHEMA \"{schema.Name}\"; CREATE TABLE \"{schema.Name}\".changes (n int NOT NULL)");
        var channel = ClusterTestServer.PrivateChannel();
        var seen = 0;
        await using var feed = FeedHarness.Start(schema.Options(), channel, handler: async topic =>
        {
            // Stands in for the revocation list reading everything since its cursor.
            if (topic == ChangeTopic.Revocations)
            {
                Volatile.Write(ref seen, Convert.ToInt32(await schema.ScalarAsync("SELECT count(*) FROM changes"), System.Globalization.CultureInfo.InvariantCulture));
            }
        });
        await feed.WaitCurrentAsync();
        Assert.Equal(0, Volatile.Read(ref seen));

        // A change whose notification was lost: nothing tells the feed while it stays connected.
        await schema.ExecuteAsync("INSERT INTO changes VALUES (1)");
        await Task.Delay(200);
        Assert.Equal(0, Volatile.Read(ref seen));

        // Disconnect, then at once commit another change with its notification, most likely before the feed
        // listens again (it waits 100 ms before reconnecting). Either way the catch-up must read both.
        await ClusterTestServer.TerminateAsync(feed.Feed.ListenerProcessId!.Value);
        await schema.ExecuteAsync($"INSERT INTO changes VALUES (2); SELECT pg_notify('{channel}', 'revocations')");

        await ClusterTestServer.WaitUntilAsync(() => Volatile.Read(ref seen) == 2 && feed.Feed.IsCurrent, Bound, "both changes read after reconnecting");
    }

    [PostgresFact]
    public async Task RunAsync_OnChangeThrows_NotCurrentThenCatchesUpAgain()
    {
        await using var schema = TestSchema.Create();
        var failures = 2;
        await using var feed = FeedHarness.Start(schema.Options(), ClusterTestServer.PrivateChannel(), handler: topic =>
            topic == ChangeTopic.Keys && Interlocked.Decrement(ref failures) >= 0
                ? throw new InvalidOperationException("the key ring could not be read")
                : Task.CompletedTask);

        await ClusterTestServer.WaitUntilAsync(() => feed.Feed.IsCurrent, Bound, "current after the handler recovers");

        Assert.True(Volatile.Read(ref failures) < 0);
        Assert.Equal(3, feed.Count(ChangeTopic.Revocations));
        Assert.Contains("could not apply a change of Keys", feed.Logs.Text, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task RunAsync_HandlerFailsOnANotification_NotCurrentUntilTheNextCatchUp()
    {
        await using var schema = TestSchema.Create();
        var channel = ClusterTestServer.PrivateChannel();
        var fail = 0;
        var sawNotCurrent = false;
        await using var feed = FeedHarness.Start(schema.Options(), channel);
        feed.Handler = topic =>
        {
            sawNotCurrent |= !feed.Feed.IsCurrent;
            return Interlocked.Exchange(ref fail, 0) == 1 ? throw new InvalidOperationException("read failed") : Task.CompletedTask;
        };
        await feed.WaitCurrentAsync();
        var keysBefore = feed.Count(ChangeTopic.Keys);
        sawNotCurrent = false;
        Volatile.Write(ref fail, 1);

        await ClusterTestServer.NotifyAsync(channel, "revocations");

        // Keys is never notified here: its call proves a full catch-up ran after the failure.
        await ClusterTestServer.WaitUntilAsync(() => feed.Count(ChangeTopic.Keys) > keysBefore && feed.Feed.IsCurrent, Bound, "catch-up after the failed handler");
        Assert.True(sawNotCurrent);
    }

    [PostgresFact]
    public async Task RunAsync_ServerUnreachable_StaysNotCurrentAndStopsWithoutThrowing()
    {
        await using var feed = FeedHarness.Start(ClusterTestServer.Unreachable("hunter2-unreachable"));

        var until = DateTime.UtcNow.AddSeconds(1.5);
        while (DateTime.UtcNow < until)
        {
            Assert.False(feed.Feed.IsCurrent);
            await Task.Delay(20);
        }

        // Refused at once, so logged within that time unless the machine stalls: then wait for it, bounded.
        await ClusterTestServer.WaitUntilAsync(() => feed.Logs.Text.Contains("Change feed lost", StringComparison.Ordinal), Bound, "the refused connection logged");
        await feed.StopAsync();
        Assert.True(feed.Run.IsCompletedSuccessfully);
        Assert.Empty(feed.Calls);
        Assert.Contains("Change feed lost postgres:127.0.0.1:", feed.Logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-unreachable", feed.Logs.Text, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task RunAsync_QuietChannel_HeartbeatsKeepTheFeedCurrent()
    {
        await using var schema = TestSchema.Create();
        await using var feed = FeedHarness.Start(schema.Options(), ClusterTestServer.PrivateChannel(), configure: f => f.HeartbeatInterval = TimeSpan.FromMilliseconds(100));
        await feed.WaitCurrentAsync();
        var calls = feed.Calls.Count;
        var heard = feed.Feed.LastHeard;

        await ClusterTestServer.WaitUntilAsync(() => feed.Feed.LastHeard > heard, Bound, "a heartbeat on the quiet channel");
        heard = feed.Feed.LastHeard;
        await ClusterTestServer.WaitUntilAsync(() => feed.Feed.LastHeard > heard, Bound, "another heartbeat");

        Assert.True(feed.Feed.IsCurrent);
        Assert.Equal(calls, feed.Calls.Count);
    }

    [PostgresFact]
    public async Task IsCurrent_NoHeartbeatWithinThreeIntervals_IsFalse()
    {
        await using var schema = TestSchema.Create();
        var clock = new ManualTimeProvider();
        await using var feed = FeedHarness.Start(schema.Options(), ClusterTestServer.PrivateChannel(), clock, configure: f => f.HeartbeatInterval = TimeSpan.FromSeconds(30));
        await feed.WaitCurrentAsync();

        clock.Advance(TimeSpan.FromSeconds(89));
        Assert.True(feed.Feed.IsCurrent);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(feed.Feed.IsCurrent);
    }
}
