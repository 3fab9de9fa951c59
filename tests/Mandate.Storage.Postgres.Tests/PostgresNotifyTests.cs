using System.Threading.Channels;
using Mandate.Core.Storage;
using Mandate.Storage.ContractTests;
using Mandate.Testing;
using Npgsql;
using Xunit;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>
/// The change topics are notified inside the committing transaction: a listener hears a change once it is durable,
/// and nothing of a batch that failed. Runs in a private database, so no other test's notification is heard.
/// </summary>
public sealed class PostgresNotifyTests : IAsyncLifetime, IAsyncDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);
    private readonly Channel<string> _heard = Channel.CreateUnbounded<string>();
    private TestDatabase? _database;
    private PostgresDatabase? _node;
    private NpgsqlConnection? _listener;
    private PostgresMandateStore? _store;

    private PostgresMandateStore Store => _store!;

    public async Task InitializeAsync()
    {
        if (TestPostgresServer.ConnectionStringOrNull is null)
        {
            return;
        }

        _database = await TestDatabase.CreateAsync();
        _node = new PostgresDatabase(_database.Options());
        _store = new PostgresMandateStore(_node);
        await _store.MigrateAsync(None);
        _listener = new NpgsqlConnection(_database.ConnectionString);
        await _listener.OpenAsync();
        _listener.Notification += (_, e) => _heard.Writer.TryWrite($"{e.Channel}:{e.Payload}");
        await using var listen = new NpgsqlCommand("LISTEN mandate_changes;", _listener);
        await listen.ExecuteNonQueryAsync();
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_listener is not null)
        {
            await _listener.DisposeAsync();
        }

        if (_node is not null)
        {
            await _node.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [PostgresFact]
    public async Task CommitAsync_BatchWithRevocation_NotifiesRevocationsOnce()
    {
        await Store.CommitAsync(StoreTestData.Events(1, 2).Append(StoreTestData.Revocation("rev-1"), StoreTestData.Revocation("rev-2")), None);

        Assert.Equal(["mandate_changes:revocations"], await HeardAsync(expected: 1));
    }

    [PostgresFact]
    public async Task CommitAsync_BatchWithKey_NotifiesKeys()
    {
        await Store.CommitAsync(new Mandate.Core.Storage.StoreBatch(StoreTestData.Key("k1"), StoreTestData.Event(1)), None);

        Assert.Equal(["mandate_changes:keys"], await HeardAsync(expected: 1));
    }

    [PostgresFact]
    public async Task CommitAsync_BatchWithKeyAndRevocation_NotifiesBothTopics()
    {
        await Store.CommitAsync(new StoreBatch(StoreTestData.Key("k1"), StoreTestData.Revocation("rev-1")), None);

        Assert.Equal(["mandate_changes:keys", "mandate_changes:revocations"], (await HeardAsync(expected: 2)).Order(StringComparer.Ordinal));
    }

    [PostgresFact]
    public async Task CommitAsync_FailedBatchWithRevocation_NotifiesNothing()
    {
        var broken = StoreTestData.Key("k-broken") with { PublicJwk = null! };

        await Assert.ThrowsAsync<StoreUnavailableException>(() => Store.CommitAsync(new StoreBatch(StoreTestData.Revocation("rev-1"), StoreTestData.Key("k1"), broken), None));

        Assert.Empty(await HeardAsync(expected: 0));
        Assert.Empty(await Store.ListRevocationsAsync(StoreTestData.Epoch, None));
    }

    [PostgresFact]
    public async Task CommitAsync_BatchWithoutRevocationOrKey_NotifiesNothing()
    {
        await Store.CommitAsync(StoreTestData.Events(1, 3).Append(new Mandate.Core.RateLimits.RateIncrement("r|a|0", StoreTestData.Epoch)), None);

        Assert.Empty(await HeardAsync(expected: 0));
    }

    [PostgresFact]
    public async Task CommitAsync_RevocationLifted_NotifiesAgain()
    {
        var kill = StoreTestData.Revocation("rev-agent", Mandate.Core.Revocation.RevocationTarget.Agent, "spiffe://acme.example/agents/x");
        await Store.CommitAsync(new StoreBatch(kill), None);
        Assert.Single(await HeardAsync(expected: 1));

        await Store.CommitAsync(new StoreBatch(kill with { LiftedAt = StoreTestData.Epoch.AddMinutes(1) }), None);

        Assert.Equal(["mandate_changes:revocations"], await HeardAsync(expected: 1));
    }

    /// <summary>
    /// Every notification heard: first (within a bound) the <paramref name="expected"/> ones, which the server sends
    /// to the listener's backend after the commit returned, then any more until none has arrived for <see cref="Quiet"/>.
    /// </summary>
    private async Task<List<string>> HeardAsync(int expected)
    {
        var heard = new List<string>();
        var deadline = DateTime.UtcNow + Bound;
        while (heard.Count < expected && DateTime.UtcNow < deadline)
        {
            await _listener!.WaitAsync(Quiet);
            Drain(heard);
        }

        while (await _listener!.WaitAsync(Quiet))
        {
            // Each wait delivers at most one notification to the handler.
        }

        Drain(heard);
        return heard;
    }

    private void Drain(List<string> heard)
    {
        while (_heard.Reader.TryRead(out var payload))
        {
            heard.Add(payload);
        }
    }
}
