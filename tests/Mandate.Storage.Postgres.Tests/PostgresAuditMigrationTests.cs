using Mandate.Core.Audit;
using Mandate.Storage.ContractTests;
using Mandate.Testing;
using Xunit;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>
/// A schema written before the compact audit form (version 2: one row per record, payload and hex hashes as text) is
/// migrated; its records stay readable and the chain verifies across the old rows and the new ones.
/// </summary>
public sealed class PostgresAuditMigrationTests : IAsyncDisposable
{
    private const int CompactVersion = 3;
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly TestNodes _nodes = new();
    private readonly TestSchema _schema = TestSchema.Create();

    public async ValueTask DisposeAsync()
    {
        await _nodes.DisposeAsync();
        await _schema.DisposeAsync();
    }

    [PostgresFact]
    public async Task Migrate_OldFormatSchema_ChainVerifiesAcrossOldAndNewRecordsAndQueriesSpanBoth()
    {
        var old = await CreateOldFormatSchemaAsync(count: 4);
        var store = _nodes.NewStore(_schema);
        await store.MigrateAsync(None);
        await store.CommitAsync(StoreTestData.Events(5, 4), None);

        var result = await AuditVerifier.VerifyAsync(store, null, None);
        var all = await ReadAsync(store, new AuditQuery());
        var agent0 = await ReadAsync(store, new AuditQuery { Agent = "spiffe://acme.example/agents/agent-0" });
        var limited = await ReadAsync(store, new AuditQuery { Tenant = "tenant-1", Limit = 3 });
        var byTrace = await ReadAsync(store, new AuditQuery { TraceId = TraceOf(2) });
        var newest = await ReadAsync(store, new AuditQuery { NewestFirst = true, Tenant = "tenant-1", Limit = 3 });
        var newestAcross = await ReadAsync(store, new AuditQuery { NewestFirst = true, BeforeSequence = 7, Limit = 4 });
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(8, result.RecordCount);
        Assert.Equal(old.Select(r => r.Payload), all.Take(4).Select(r => r.Payload));
        Assert.Equal(all[3].Hash, all[4].PreviousHash);
        Assert.Equal([2L, 4L, 6L, 8L], agent0.Select(r => r.Sequence));
        Assert.Equal([1L, 3L, 5L], limited.Select(r => r.Sequence));
        Assert.Equal([2L], byTrace.Select(r => r.Sequence));
        Assert.Equal([7L, 5L, 3L], newest.Select(r => r.Sequence));
        Assert.Equal([6L, 5L, 4L, 3L], newestAcross.Select(r => r.Sequence));
        Assert.Equal(4L, await _schema.ScalarAsync("SELECT count(*) FROM audit;"));
    }

    [PostgresFact]
    public async Task Migrate_OldRecordEdited_StillReportedAtThatRecord()
    {
        await CreateOldFormatSchemaAsync(count: 4);
        var store = _nodes.NewStore(_schema);
        await store.MigrateAsync(None);
        await store.CommitAsync(StoreTestData.Events(5, 2), None);

        await _schema.ExecuteAsync(
            "ALTER TABLE audit_v1 DISABLE TRIGGER USER; UPDATE audit_v1 SET payload = replace(payload, 'dec-2', 'dec-x') WHERE seq = 2; "
            + "ALTER TABLE audit_v1 ENABLE TRIGGER USER;");

        var result = await AuditVerifier.VerifyAsync(store, null, None);
        Assert.Equal(AuditProblemKind.HashMismatch, result.Problem);
        Assert.Equal(2, result.Sequence);
    }

    private static string TraceOf(int n) => n.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<List<AuditRecord>> ReadAsync(PostgresMandateStore store, AuditQuery query)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in store.ReadAuditAsync(query, None))
        {
            records.Add(record);
        }

        return records;
    }

    /// <summary>The schema up to version 2 and <paramref name="count"/> records written as that version's store wrote them.</summary>
    private async Task<IReadOnlyList<AuditRecord>> CreateOldFormatSchemaAsync(int count)
    {
        var events = Enumerable.Range(1, count).Select(n => StoreTestData.Event(n) with { TraceId = TraceOf(n) }).ToList();
        var records = AuditChain.Link(AuditTail.Genesis, events);
        var sql = _schema.BeforeVersionSql(CompactVersion);

        for (var i = 0; i < records.Count; i++)
        {
            var e = events[i];
            string[] values =
            [
                AuditCanonicalJson.FormatTime(e.Time), e.Kind, e.Outcome, e.Agent!, e.Tenant!, e.User!, e.Run!, e.Jti!,
                records[i].Payload, records[i].PreviousHash, records[i].Hash,
            ];
            sql.Append($"INSERT INTO audit (seq, time, kind, outcome, agent, tenant, \"user\", run, jti, payload, prev_hash, hash) VALUES ({records[i].Sequence}, ")
                .AppendJoin(", ", values.Select(v => "'" + v.Replace("'", "''", StringComparison.Ordinal) + "'"))
                .Append(");");
        }

        await _schema.ExecuteAsync(sql.ToString());
        return records;
    }
}
