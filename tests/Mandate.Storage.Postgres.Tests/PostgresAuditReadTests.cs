using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Mandate.Storage.ContractTests;
using Mandate.Testing;
using Xunit;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>Reading a long audit log: paged under the hood, one ordered stream to the caller.</summary>
public sealed class PostgresAuditReadTests : IAsyncDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestNodes _nodes = new();
    private readonly TestSchema _schema = TestSchema.Create();

    public ValueTask DisposeAsync() => _nodes.DisposeAsync();

    [PostgresFact]
    public async Task ReadAuditAsync_MoreRecordsThanAPage_StreamsAllInOrderAndHonoursLimitAndAfter()
    {
        var store = _nodes.NewStore(_schema);
        await store.MigrateAsync(None);
        for (var first = 1; first <= 4500; first += 500)
        {
            await store.CommitAsync(StoreTestData.Events(first, 500), None);
        }

        var all = await ReadAsync(store, new AuditQuery());
        var limited = await ReadAsync(store, new AuditQuery { Limit = 2500 });
        var after = await ReadAsync(store, new AuditQuery { AfterSequence = 3999, Limit = 3000 });
        var filtered = await ReadAsync(store, new AuditQuery { Tenant = "tenant-1" });
        var newest = await ReadAsync(store, new AuditQuery { NewestFirst = true, Limit = 2500 });
        var newestBefore = await ReadAsync(store, new AuditQuery { NewestFirst = true, BeforeSequence = 1001 });

        Assert.Equal(Enumerable.Range(1, 4500).Select(n => (long)n), all);
        Assert.Equal(Enumerable.Range(1, 2500).Select(n => (long)n), limited);
        Assert.Equal(Enumerable.Range(4000, 501).Select(n => (long)n), after);
        Assert.Equal(Enumerable.Range(1, 4500).Where(n => n % 2 == 1).Select(n => (long)n), filtered);
        Assert.Equal(Enumerable.Range(2001, 2500).Reverse().Select(n => (long)n), newest);
        Assert.Equal(Enumerable.Range(1, 1000).Reverse().Select(n => (long)n), newestBefore);
        var result = await AuditVerifier.VerifyAsync(store, null, None);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(4500, result.RecordCount);
    }

    [PostgresFact]
    public async Task ReadAuditAsync_BeforeMigrate_ThrowsStoreUnavailableNamingTheSchema()
    {
        var store = _nodes.NewStore(_schema);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => ReadAsync(store, new AuditQuery()));

        Assert.Contains("not migrated", error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<long>> ReadAsync(PostgresMandateStore store, AuditQuery query)
    {
        var sequences = new List<long>();
        await foreach (var record in store.ReadAuditAsync(query, None))
        {
            sequences.Add(record.Sequence);
        }

        return sequences;
    }
}
