using System.Security.Cryptography;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Mandate.Cli.Tests;

/// <summary>
/// Offline read commands open the store read-only: never a migration, never a write, byte for byte the same files
/// afterwards, on a current schema and on an older one, and beside a running broker.
/// </summary>
public sealed class ReadCommandStoreTests
{
    public static TheoryData<string> ReadCommands => new()
    {
        "audit verify",
        "audit query --json",
        "audit trace --run run_1",
        "runs list",
        "runs show run_1",
    };

    [Theory]
    [MemberData(nameof(ReadCommands))]
    public async Task ReadCommand_CurrentSchema_LeavesTheStoreFilesByteForByteUnchanged(string command)
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var db = Path.Combine(dir.Path, "data", "mandate.db");
        await SeedAsync(db);
        var before = HashFiles(db);

        var (exit, output) = await CliRunner.RunAsync([.. command.Split(' '), "-c", config]);

        Assert.True(exit == 0, output);
        AssertUnchanged(before, db);
    }

    [Theory]
    [MemberData(nameof(ReadCommands))]
    public async Task ReadCommand_OlderSchema_RefusesInOneLineExitsTwoAndLeavesTheStoreUnchanged(string command)
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var db = Path.Combine(dir.Path, "data", "mandate.db");
        await SeedAsync(db);
        // The store as an older build left it: its newest migration not applied yet.
        await ExecuteAsync(db, "DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations);");
        var version = await SchemaVersionAsync(db);
        var before = HashFiles(db);

        var (exit, output) = await CliRunner.RunAsync([.. command.Split(' '), "-c", config]);

        Assert.Equal(2, exit);
        Assert.StartsWith("error: ", output.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.Contains("never migrate", output, StringComparison.Ordinal);
        AssertUnchanged(before, db);
        Assert.Equal(version, await SchemaVersionAsync(db));
    }

    [Fact]
    public async Task ReadCommands_LiveBrokersStore_ReadItWithoutMigratingAndTheBrokerKeepsServing()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var options = ConfigLoader.LoadFile(config);
        await using var broker = await TestBroker.StartAsync(config);
        var version = await SchemaVersionAsync(options.StorePath);

        var (verified, verifyOutput) = await CliRunner.RunAsync("audit", "verify", "-c", config);
        var (listed, listOutput) = await CliRunner.RunAsync("runs", "list", "-c", config);
        var (revoked, revokeOutput) = await CliRunner.RunAsync("revoke", "-c", config, "--jti", "jti_after_reads", "--reason", "test");

        Assert.True(verified == 0, verifyOutput);
        Assert.Contains("audit chain intact", verifyOutput, StringComparison.Ordinal);
        Assert.True(listed == 0, listOutput);
        Assert.True(revoked == 0, revokeOutput);
        Assert.Equal(version, await SchemaVersionAsync(options.StorePath));
    }

    /// <summary>
    /// The database and its WAL hold every byte of the store: both as they were. SQLite itself gives any reader of a
    /// WAL database, read-only ones included, an empty <c>-wal</c> and a <c>-shm</c> index when none exist (a read-only
    /// connection cannot remove them at close); the WAL then holds no frame, so no content changed.
    /// </summary>
    private static void AssertUnchanged(SortedDictionary<string, string> before, string db)
    {
        var after = HashFiles(db);
        var name = Path.GetFileName(db);
        Assert.Equal(before[name], after[name]);
        if (before.TryGetValue(name + "-wal", out var wal))
        {
            Assert.Equal(wal, after[name + "-wal"]);
        }
        else if (after.ContainsKey(name + "-wal"))
        {
            Assert.Equal(0L, new FileInfo(db + "-wal").Length);
        }
    }

    /// <summary>Every file of the store (database, WAL, shared memory) by name, with its SHA-256.</summary>
    private static SortedDictionary<string, string> HashFiles(string db)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(db)!, Path.GetFileName(db) + "*"))
        {
            hashes[Path.GetFileName(file)] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        }

        return hashes;
    }

    private static async Task<long> SchemaVersionAsync(string db)
    {
        await using var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(string db, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task SeedAsync(string db)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        await using var store = new SqliteMandateStore(new SqliteStoreOptions { FilePath = db });
        await store.MigrateAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        await store.CommitAsync(new StoreBatch(
            new AuditEvent { Kind = AuditKinds.Decision, Time = now, Outcome = "allow", Agent = "spiffe://acme.example/agents/a", User = "alice", Tenant = "acme", Run = "run_1" },
            new AuditEvent { Kind = AuditKinds.Decision, Time = now, Outcome = "deny", Agent = "spiffe://acme.example/agents/a", User = "bob", Tenant = "globex", Run = "run_1" }), CancellationToken.None);
    }
}
