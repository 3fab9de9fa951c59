using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Mandate.Cli.Tests;

public sealed class AuditCommandTests
{
    [Fact]
    public async Task AuditVerify_IntactChain_ExitsZeroAndPrintsTheHead()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await SeedAsync(Path.Combine(dir.Path, "data", "mandate.db"));

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config);

        Assert.Equal(0, exit);
        Assert.Contains("audit chain intact: 3 records", output);
        Assert.Contains("checked against the store alone", output, StringComparison.Ordinal);
        Assert.Contains("--jwks", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_EditedRecord_ExitsOneAndNamesTheRecord()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var db = Path.Combine(dir.Path, "data", "mandate.db");
        await SeedAsync(db);
        await using (var connection = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER audit_shapes_no_update; UPDATE audit_shapes SET body = replace(body, '\"deny\"', '\"allow\"') WHERE id = (SELECT shape FROM audit WHERE seq = 2);";
            await command.ExecuteNonQueryAsync();
        }

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config);

        Assert.Equal(1, exit);
        Assert.Contains("record #2", output);
    }

    [Fact]
    public async Task AuditQuery_ByUser_ListsOnlyThatUsersRecords()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await SeedAsync(Path.Combine(dir.Path, "data", "mandate.db"));

        var (exit, output) = await CliRunner.RunAsync("audit", "query", "-c", config, "--user", "bob", "--json");

        Assert.Equal(0, exit);
        var lines = output.Trim().Split('\n');
        Assert.Single(lines);
        Assert.Contains("\"user\":\"bob\"", lines[0]);
    }

    [Fact]
    public async Task AuditQuery_ByTrace_ListsTheRecordsOfThatRequestOnly()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await SeedAsync(Path.Combine(dir.Path, "data", "mandate.db"));

        var (exit, output) = await CliRunner.RunAsync("audit", "query", "-c", config, "--trace", AliceTrace, "--json");

        Assert.True(exit == 0, output);
        var lines = output.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.Contains($"\"trace_id\":\"{AliceTrace}\"", line, StringComparison.Ordinal));
        Assert.Contains("\"seq\":1,", lines[0], StringComparison.Ordinal);
        Assert.Contains("\"seq\":2,", lines[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4BF92F3577B34DA6A3CE929D0E0E4736")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e473")]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    public async Task AuditQuery_TraceNotATraceId_RefusedNotAnsweredWithNoRecords(string trace)
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await SeedAsync(Path.Combine(dir.Path, "data", "mandate.db"));

        var (exit, output) = await CliRunner.RunAsync("audit", "query", "-c", config, "--trace", trace);

        Assert.NotEqual(0, exit);
        Assert.Contains("is not a W3C trace id", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_NoStore_ExitsTwo()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config);

        Assert.Equal(2, exit);
        Assert.Contains("no store", output);
    }

    [Fact]
    public async Task AuditTrace_RunIdOfPlainExchanges_ShowsTheRunAndItsCredential()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var db = Path.Combine(dir.Path, "data", "mandate.db");
        await SeedAsync(db);
        await using (var store = new SqliteMandateStore(new SqliteStoreOptions { FilePath = db }))
        {
            var exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            await store.CommitAsync(new StoreBatch(new AuditEvent
                    {
                        Kind = AuditKinds.Issuance, Time = DateTimeOffset.UtcNow, Outcome = "issued", Agent = "spiffe://acme.example/agents/a", User = "alice",
                        Tenant = "acme", Run = "run_plain_1", Tool = "refunds", Scope = "refunds:write", Jti = "jti_plain_1", DecisionId = "dec_1",
                        Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["exp"] = exp, ["aud"] = "https://refunds.acme.example" },
                    }), CancellationToken.None);
        }

        var (trace, traced) = await CliRunner.RunAsync("audit", "trace", "-c", config, "--run", "run_plain_1");
        var (show, shown) = await CliRunner.RunAsync("runs", "show", "-c", config, "run_plain_1");
        var (traceJson, tracedJson) = await CliRunner.RunAsync("audit", "trace", "-c", config, "--run", "run_plain_1", "--json");
        var (showJson, shownJson) = await CliRunner.RunAsync("runs", "show", "-c", config, "run_plain_1", "--json");

        Assert.Equal((0, 0, 0, 0), (trace, show, traceJson, showJson));
        Assert.Contains("plain exchanges (no run token)", traced, StringComparison.Ordinal);
        Assert.Contains("jti_plain_1", traced, StringComparison.Ordinal);
        Assert.Contains("jti_plain_1", shown, StringComparison.Ordinal);
        Assert.Contains("\"jti_plain_1\"", tracedJson, StringComparison.Ordinal);
        Assert.Equal(tracedJson, shownJson);
    }

    [Fact]
    public async Task AuditTrace_McpAndProxyCalls_ShowUnderTheCredentialThatMadeThem()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var db = Path.Combine(dir.Path, "data", "mandate.db");
        await SeedAsync(db);
        await using (var store = new SqliteMandateStore(new SqliteStoreOptions { FilePath = db }))
        {
            var exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            AuditEvent Event(string kind, string outcome, string? rule, params (string Key, string Value)[] evidence) => new()
            {
                Kind = kind, Time = DateTimeOffset.UtcNow, Outcome = outcome, Agent = "spiffe://acme.example/agents/a", User = "alice",
                Tenant = "acme", Run = "run_mcp_1", Tool = "payments-mcp", Scope = "refunds:write", Jti = "jti_mcp_1", DecisionId = "dec_1", Rule = rule,
                Evidence = new SortedDictionary<string, string>(evidence.ToDictionary(e => e.Key, e => e.Value), StringComparer.Ordinal),
            };
            await store.CommitAsync(new StoreBatch(
                Event(AuditKinds.Issuance, "issued", "support-payments-mcp", ("exp", exp), ("aud", "http://gw/payments-mcp")),
                Event(EgressAuditKinds.McpCall, "allowed", "mcp-small-refunds", ("mcp_tool", "refund"), ("upstream_status", "200"), ("arguments_sha256", "ab12"), ("duration_ms", "12")),
                Event(EgressAuditKinds.McpCall, "pending", "mcp-large-refunds", ("mcp_tool", "refund"), ("approval_id", "mcpa_7"), ("duration_ms", "3")),
                Event(EgressAuditKinds.ProxyCall, "forwarded", null, ("method", "POST"), ("path", "/"), ("mcp_method", "tools/list"), ("status", "200"), ("duration_ms", "4"))), CancellationToken.None);
        }

        var (exit, traced) = await CliRunner.RunAsync("audit", "trace", "-c", config, "--run", "run_mcp_1");

        Assert.True(exit == 0, traced);
        Assert.Contains("mcp tools/call refund on payments-mcp allowed rule=mcp-small-refunds", traced, StringComparison.Ordinal);
        Assert.Contains("upstream 200", traced, StringComparison.Ordinal);
        Assert.Contains("pending rule=mcp-large-refunds", traced, StringComparison.Ordinal);
        Assert.Contains("approval mcpa_7", traced, StringComparison.Ordinal);
        Assert.Contains("(mcp tools/list)", traced, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditTrace_RunIdNothingCarries_ExitsOneAndSaysSo()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await SeedAsync(Path.Combine(dir.Path, "data", "mandate.db"));

        var (exit, output) = await CliRunner.RunAsync("audit", "trace", "-c", config, "--run", "run_never_seen");

        Assert.NotEqual(0, exit);
        Assert.Contains("no audit record carries it", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_AnotherProcessHoldsTheWriteLock_ReadsWithoutWaitingAndExitsZero()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var db = Path.Combine(dir.Path, "data", "mandate.db");
        await SeedAsync(db);
        await using var blocker = new SqliteConnection($"Data Source={db};Pooling=False");
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();
        }

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config);
        var (queried, queryOutput) = await CliRunner.RunAsync("audit", "query", "-c", config, "--json");

        Assert.True(exit == 0, output);
        Assert.Contains("audit chain intact: 3 records", output);
        Assert.True(queried == 0, queryOutput);
    }

    [Fact]
    public async Task AuditVerify_AnotherApplicationsDatabase_OneLineRefusalNamingItExitTwoAndNothingMigrated()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var db = Path.Combine(dir.Path, "data", "mandate.db");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        await ExecuteAsync(db, "CREATE TABLE unrelated (x INTEGER);");

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config);

        Assert.Equal(2, exit);
        // One message (the console may wrap it), never a stack trace.
        Assert.StartsWith("error: ", output.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.Contains("holds no Mandate store", output);
        Assert.DoesNotContain("mandate serve", output, StringComparison.Ordinal);
        Assert.Equal(0L, await ScalarAsync(db, "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations';"));
    }

    [Fact]
    public async Task AuditTrace_FileIsNotADatabase_OneLineErrorExitTwo()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var db = Path.Combine(dir.Path, "data", "mandate.db");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        await File.WriteAllTextAsync(db, new string('x', 8192));

        var (exit, output) = await CliRunner.RunAsync("audit", "trace", "-c", config, "--run", "run_1");

        Assert.Equal(2, exit);
        // One message (the console may wrap it), never a stack trace.
        Assert.StartsWith("error: ", output.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.Contains("not a SQLite database", output);
    }

    private static async Task ExecuteAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private const string AliceTrace = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static async Task SeedAsync(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var store = new SqliteMandateStore(new SqliteStoreOptions { FilePath = path });
        await store.MigrateAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        await store.CommitAsync(new StoreBatch(new AuditEvent { Kind = AuditKinds.Decision, Time = now, Outcome = "allow", Agent = "spiffe://acme.example/agents/a", User = "alice", Tenant = "acme", TraceId = AliceTrace }, new AuditEvent { Kind = AuditKinds.Decision, Time = now, Outcome = "deny", Agent = "spiffe://acme.example/agents/a", User = "alice", Tenant = "globex", TraceId = AliceTrace }, new AuditEvent { Kind = AuditKinds.Decision, Time = now, Outcome = "allow", Agent = "spiffe://acme.example/agents/a", User = "bob", Tenant = "acme", TraceId = "0af7651916cd43dd8448eb211c80319c" }), CancellationToken.None);
    }
}
