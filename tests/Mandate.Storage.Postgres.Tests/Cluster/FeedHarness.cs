using System.Collections.Concurrent;
using Mandate.Core.Cluster;
using Mandate.Storage.Postgres.Cluster;
using Mandate.Testing;

namespace Mandate.Storage.Postgres.Tests.Cluster;

/// <summary>A running change feed and every call it made to its handler, in order.</summary>
internal sealed class FeedHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    private FeedHarness(PostgresStoreOptions options, string? channel, TimeProvider time, Func<ChangeTopic, Task>? handler, Action<PostgresChangeFeed>? configure)
    {
        Database = new PostgresDatabase(options);
        Feed = new PostgresChangeFeed(Database, time, new CapturedLogger<PostgresChangeFeed>(Logs))
        {
            Channel = channel ?? PostgresChannels.Changes,
        };
        Handler = handler;
        configure?.Invoke(Feed);
        Run = Task.Run(() => Feed.RunAsync(OnChangeAsync, _stop.Token));
    }

    public PostgresDatabase Database { get; }

    public PostgresChangeFeed Feed { get; }

    public CapturedLogs Logs { get; } = new();

    public Task Run { get; }

    public ConcurrentQueue<ChangeTopic> Calls { get; } = new();

    /// <summary>Called before a call is recorded; a throw here is the handler failing.</summary>
    public Func<ChangeTopic, Task>? Handler { get; set; }

    public int Count(ChangeTopic topic) => Calls.Count(t => t == topic);

    public static FeedHarness Start(
        PostgresStoreOptions options,
        string? channel = null,
        TimeProvider? time = null,
        Func<ChangeTopic, Task>? handler = null,
        Action<PostgresChangeFeed>? configure = null) =>
        new(options, channel, time ?? TimeProvider.System, handler, configure);

    public Task WaitCurrentAsync() =>
        ClusterTestServer.WaitUntilAsync(() => Feed.IsCurrent, TimeSpan.FromSeconds(5), "the feed is current");

    /// <summary>Stops the feed; RunAsync must end (without throwing) soon after cancellation.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        await Database.DisposeAsync();
        _stop.Dispose();
    }

    private async Task OnChangeAsync(ChangeTopic topic, CancellationToken cancellationToken)
    {
        if (Handler is { } handler)
        {
            await handler(topic);
        }

        Calls.Enqueue(topic);
    }
}
