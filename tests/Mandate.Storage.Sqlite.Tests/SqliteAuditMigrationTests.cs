using Mandate.Core.Audit;
using Mandate.Storage.ContractTests;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>
/// A store written before the compact audit form (schema 8: one row per record, payload and hex hashes as text) is
/// migrated; its records stay readable and the chain verifies across the old rows and the new ones.
/// </summary>
public sealed class SqliteAuditMigrationTests : SqliteTestBase
{
    private const int CompactVersion = 9;

    [Fact]
    public async Task Migrate_OldFormatStore_ChainVerifiesAcrossOldAndNewRecords()
    {
        var path = NewDatabasePath();
        var old = await CreateOldFormatStoreAsync(path, count: 4);

        await using var store = await OpenMigratedStoreAsync(path);
        await store.CommitAsync(StoreTestData.Events(5, 3), Cancellation);

        var records = await ReadAllAsync(store);
        var result = await AuditVerifier.VerifyAsync(store, null, Cancellation);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(7, result.RecordCount);
        Assert.Equal(old.Select(r => r.Payload), records.Take(4).Select(r => r.Payload));
        Assert.Equal(records[3].Hash, records[4].PreviousHash);
        Assert.Equal(3L, await ScalarRawAsync(path, "SELECT count(*) FROM audit;"));
        Assert.Equal(4L, await ScalarRawAsync(path, "SELECT count(*) FROM audit_v1;"));
    }

    [Fact]
    public async Task Migrate_OldFormatStore_QueriesSpanBothTablesInOrder()
    {
        var path = NewDatabasePath();
        await CreateOldFormatStoreAsync(path, count: 4);

        await using var store = await OpenMigratedStoreAsync(path);
        await store.CommitAsync(StoreTestData.Events(5, 4), Cancellation);

        var agent0 = await ReadAsync(store, new AuditQuery { Agent = "spiffe://acme.example/agents/agent-0" });
        var limited = await ReadAsync(store, new AuditQuery { Tenant = "tenant-1", Limit = 3 });
        var afterOld = await ReadAsync(store, new AuditQuery { AfterSequence = 3, Limit = 2 });
        var byTrace = await ReadAsync(store, new AuditQuery { TraceId = TraceOf(2) });
        var newest = await ReadAsync(store, new AuditQuery { NewestFirst = true, Tenant = "tenant-1", Limit = 3 });
        var newestAcross = await ReadAsync(store, new AuditQuery { NewestFirst = true, BeforeSequence = 7, Limit = 4 });
        Assert.Equal([7L, 5L, 3L], newest.Select(r => r.Sequence));
        Assert.Equal([6L, 5L, 4L, 3L], newestAcross.Select(r => r.Sequence));
        Assert.Equal([2L, 4L, 6L, 8L], agent0.Select(r => r.Sequence));
        Assert.Equal([1L, 3L, 5L], limited.Select(r => r.Sequence));
        Assert.Equal([4L, 5L], afterOld.Select(r => r.Sequence));
        Assert.Equal([2L], byTrace.Select(r => r.Sequence));
    }

    [Fact]
    public async Task Migrate_OldRecordEdited_StillReportedAtThatRecord()
    {
        var path = NewDatabasePath();
        await CreateOldFormatStoreAsync(path, count: 4);
        await using (var store = await OpenMigratedStoreAsync(path))
        {
            await store.CommitAsync(StoreTestData.Events(5, 2), Cancellation);
        }

        await ExecuteRawAsync(path, "DROP TRIGGER audit_v1_no_update; UPDATE audit_v1 SET payload = replace(payload, 'dec-2', 'dec-x') WHERE seq = 2;");

        await using var reopened = OpenStore(path);
        var result = await AuditVerifier.VerifyAsync(reopened, null, Cancellation);
        Assert.Equal(AuditProblemKind.HashMismatch, result.Problem);
        Assert.Equal(2, result.Sequence);
    }

    private static string TraceOf(int n) => n.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<List<AuditRecord>> ReadAsync(SqliteMandateStore store, AuditQuery query)
    {
        var records = new List<AuditRecord>();
        await foreach (var record in store.ReadAuditAsync(query, Cancellation))
        {
            records.Add(record);
        }

        return records;
    }

    /// <summary>The schema up to version 8 and <paramref name="count"/> records written as that version's store wrote them.</summary>
    private async Task<IReadOnlyList<AuditRecord>> CreateOldFormatStoreAsync(string path, int count)
    {
        var events = Enumerable.Range(1, count).Select(n => StoreTestData.Event(n) with { TraceId = TraceOf(n) }).ToList();
        var records = AuditChain.Link(AuditTail.Genesis, events);
        await using var connection = await OpenRawAsync(path);
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT;";
        await command.ExecuteNonQueryAsync(Cancellation);
        foreach (var migration in SqliteMigration.Embedded.Where(m => m.Version < CompactVersion))
        {
            command.CommandText = migration.Sql + $"INSERT INTO schema_migrations VALUES ({migration.Version}, '{migration.Name}', '2026-01-01');";
            await command.ExecuteNonQueryAsync(Cancellation);
        }

        for (var i = 0; i < records.Count; i++)
        {
            var e = events[i];
            command.CommandText = """
                INSERT INTO audit (seq, time, kind, outcome, agent, tenant, "user", run, jti, payload, prev_hash, hash)
                VALUES ($seq, $time, $kind, $outcome, $agent, $tenant, $user, $run, $jti, $payload, $prev, $hash);
                """;
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$seq", records[i].Sequence);
            command.Parameters.AddWithValue("$time", AuditCanonicalJson.FormatTime(e.Time));
            command.Parameters.AddWithValue("$kind", e.Kind);
            command.Parameters.AddWithValue("$outcome", e.Outcome);
            command.Parameters.AddWithValue("$agent", e.Agent);
            command.Parameters.AddWithValue("$tenant", e.Tenant);
            command.Parameters.AddWithValue("$user", e.User);
            command.Parameters.AddWithValue("$run", e.Run);
            command.Parameters.AddWithValue("$jti", e.Jti);
            command.Parameters.AddWithValue("$payload", records[i].Payload);
            command.Parameters.AddWithValue("$prev", records[i].PreviousHash);
            command.Parameters.AddWithValue("$hash", records[i].Hash);
            await command.ExecuteNonQueryAsync(Cancellation);
        }

        return records;
    }
}
