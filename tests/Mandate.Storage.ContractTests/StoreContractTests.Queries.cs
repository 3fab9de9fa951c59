using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

public abstract partial class StoreContractTests
{
    [StoreTheory]
    [InlineData("agent")]
    [InlineData("tenant")]
    [InlineData("user")]
    [InlineData("run")]
    [InlineData("jti")]
    [InlineData("kind")]
    [InlineData("trace")]
    public async Task ReadAuditAsync_FilterByField_ReturnsOnlyMatchingInOrder(string field)
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(FilterFixture(), Cancellation);

        var query = field switch
        {
            "agent" => new AuditQuery { Agent = "spiffe://acme.example/agents/wanted" },
            "tenant" => new AuditQuery { Tenant = "wanted" },
            "user" => new AuditQuery { User = "wanted" },
            "run" => new AuditQuery { Run = "wanted" },
            "jti" => new AuditQuery { Jti = "wanted" },
            "trace" => new AuditQuery { TraceId = WantedTrace },
            _ => new AuditQuery { Kind = AuditKinds.Revocation },
        };
        var records = await ReadAllAsync(store, query);

        Assert.Equal([2L, 5], records.Select(r => r.Sequence));
    }

    [StoreFact]
    public async Task ReadAuditAsync_CombinedFilters_AllMustMatch()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(FilterFixture(), Cancellation);

        var records = await ReadAllAsync(store, new AuditQuery { Tenant = "wanted", Since = StoreTestData.Epoch.AddSeconds(3) });

        Assert.Equal(5, Assert.Single(records).Sequence);
    }

    [StoreFact]
    public async Task ReadAuditAsync_SinceUntil_IsHalfOpen()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(StoreTestData.Events(1, 6), Cancellation);

        var records = await ReadAllAsync(store, new AuditQuery
        {
            Since = StoreTestData.Epoch.AddSeconds(2),
            Until = StoreTestData.Epoch.AddSeconds(5),
        });

        Assert.Equal([2L, 3, 4], records.Select(r => r.Sequence));
    }

    [StoreFact]
    public async Task ReadAuditAsync_SinceWithOtherOffset_ComparesInstants()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(StoreTestData.Events(1, 4), Cancellation);

        var since = StoreTestData.Epoch.AddSeconds(3).ToOffset(TimeSpan.FromHours(-5));
        var records = await ReadAllAsync(store, new AuditQuery { Since = since });

        Assert.Equal([3L, 4], records.Select(r => r.Sequence));
    }

    [StoreFact]
    public async Task ReadAuditAsync_AfterSequenceAndLimit_PagesInOrder()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(StoreTestData.Events(1, 7), Cancellation);

        var pages = new List<long[]>();
        long after = 0;
        while (true)
        {
            var page = await ReadAllAsync(store, new AuditQuery { AfterSequence = after, Limit = 3 });
            if (page.Count == 0)
            {
                break;
            }

            pages.Add(page.Select(r => r.Sequence).ToArray());
            after = page[^1].Sequence;
        }

        Assert.Equal([[1L, 2, 3], [4L, 5, 6], [7L]], pages);
    }

    [StoreFact]
    public async Task ReadAuditAsync_NewestFirst_KeepsTheNewestMatchingRecordsAndPagesBackwards()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(StoreTestData.Events(1, 7), Cancellation);

        var newest = await ReadAllAsync(store, new AuditQuery { NewestFirst = true, Limit = 3 });
        var older = await ReadAllAsync(store, new AuditQuery { NewestFirst = true, BeforeSequence = newest[^1].Sequence, Limit = 3 });
        var filtered = await ReadAllAsync(store, new AuditQuery { NewestFirst = true, Tenant = "tenant-1", AfterSequence = 1 });
        var window = await ReadAllAsync(store, new AuditQuery { BeforeSequence = 4, AfterSequence = 1 });

        Assert.Equal([7L, 6, 5], newest.Select(r => r.Sequence));
        Assert.Equal([4L, 3, 2], older.Select(r => r.Sequence));
        Assert.Equal([7L, 5, 3], filtered.Select(r => r.Sequence));
        Assert.Equal([2L, 3], window.Select(r => r.Sequence));
    }

    [StoreFact]
    public async Task ReadAuditAsync_EmptyStore_ReturnsNothing()
    {
        await using var store = await CreateMigratedStoreAsync();

        Assert.Empty(await ReadAllAsync(store, new AuditQuery { Agent = "anyone" }));
        Assert.Empty(await ReadAllAsync(store));
    }

    [StoreFact]
    public async Task ReadAuditAsync_FilterValueWithSqlSyntax_MatchesLiterally()
    {
        await using var store = await CreateMigratedStoreAsync();
        var hostile = "x' OR '1'='1";
        await store.CommitAsync(
            new StoreBatch(StoreTestData.Event(1), StoreTestData.Event(2, tenant: hostile)),
            Cancellation);

        var records = await ReadAllAsync(store, new AuditQuery { Tenant = hostile });

        Assert.Equal(2, Assert.Single(records).Sequence);
    }

    [StoreFact]
    public async Task ReadAuditAsync_NegativeLimit_Throws()
    {
        await using var store = await CreateMigratedStoreAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ReadAllAsync(store, new AuditQuery { Limit = -1 }));
    }

    /// <summary>Six events; the 2nd and 5th (and only they) match every "wanted" filter.</summary>
    private const string WantedTrace = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static StoreBatch FilterFixture()
    {
        var events = new List<AuditEvent>();
        for (var n = 1; n <= 6; n++)
        {
            var wanted = n is 2 or 5;
            var e = StoreTestData.Event(n, kind: wanted ? AuditKinds.Revocation : AuditKinds.Decision);
            events.Add(wanted
                ? e with { Agent = "spiffe://acme.example/agents/wanted", Tenant = "wanted", User = "wanted", Run = "wanted", Jti = "wanted", TraceId = WantedTrace }
                : e with { TraceId = "0af7651916cd43dd8448eb211c80319c" });
        }

        return new StoreBatch(events);
    }
}
