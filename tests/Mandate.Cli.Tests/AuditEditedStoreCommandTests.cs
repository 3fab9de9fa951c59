using Mandate.Core.Audit;
using Microsoft.Data.Sqlite;

namespace Mandate.Cli.Tests;

/// <summary>
/// A store edited by hand, as someone hiding history would: <c>audit verify</c> names what was changed, and <c>audit
/// query</c> still answers with every record, showing the damaged one instead of failing with a stack trace.
/// </summary>
public sealed class AuditEditedStoreCommandTests
{
    [Fact]
    public async Task AuditQuery_RecordWhosePayloadIsNotAnEvent_ListedAsUnreadableAndTheRestShown()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var db = await SeedAsync(dir, 3);
        await ExecuteAsync(db, "DROP TRIGGER audit_shapes_no_update; UPDATE audit_shapes SET body = 'not json' WHERE id = (SELECT shape FROM audit WHERE seq = 2);");

        var (exit, output) = await CliRunner.RunAsync("audit", "query", "-c", config);
        var (jsonExit, json) = await CliRunner.RunAsync("audit", "query", "-c", config, "--json");

        Assert.Equal((0, 0), (exit, jsonExit));
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.Contains("#2    unreadable: the record is not an audit event", output, StringComparison.Ordinal);
        Assert.Contains("#3 ", output, StringComparison.Ordinal);
        Assert.Contains("{\"seq\":2,", json, StringComparison.Ordinal);
        Assert.Contains("\"event\":\"not json\"}", json, StringComparison.Ordinal);
        Assert.Equal(3, json.Trim().Split('\n').Length);
    }

    [Fact]
    public async Task AuditVerify_RecordsDeletedBehindAnUnsignedPruneAnchor_ExitsOneNamingTheAnchor()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var db = await SeedAsync(dir, 4);
        // The store's triggers allow deleting up to an anchor that names a record it holds; only the anchor's signed
        // checkpoint tells an archive from a deletion.
        await ExecuteAsync(db, "INSERT INTO audit_anchors VALUES (2, (SELECT hash FROM audit WHERE seq = 2), '{}', 'none.jsonl', 0); DELETE FROM audit WHERE seq <= 2;");

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config);

        Assert.Equal(1, exit);
        Assert.Contains("audit chain broken at record #2: the prune anchor at record 2: malformed checkpoint line", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_CheckpointKeyWithAnEditedPublicJwk_RefusesInOneLineWithoutAStackTrace()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        var db = await SeedAsync(dir, 4);
        await ExecuteAsync(db, "INSERT INTO keys VALUES ('audit-checkpoint-x', 'audit-checkpoint', 'ES256', x'00', 'not a jwk', '2026-12-05T00:00:00Z', NULL, NULL, 'n');"
            + "INSERT INTO audit_anchors VALUES (2, (SELECT hash FROM audit WHERE seq = 2), '{}', 'none.jsonl', 0); DELETE FROM audit WHERE seq <= 2;");

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config);

        Assert.Equal(1, exit);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        Assert.Contains("the prune anchor at record 2", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("99999999999999999")]
    public async Task AuditTrace_IssuanceWhoseExpiryIsNotATime_ShowsTheCredentialWithoutAStackTrace(string exp)
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);
        await TestStore.WriteAsync(dir, new AuditEvent
        {
            Kind = AuditKinds.Issuance, Time = DateTimeOffset.UtcNow, Outcome = "issued", Agent = "spiffe://acme.example/agents/a",
            Tenant = "acme", User = "alice", Run = "run_1", Jti = "jti_1", Tool = "refunds",
            Evidence = new Dictionary<string, string> { ["exp"] = exp },
        });

        var (exit, output) = await CliRunner.RunAsync("audit", "trace", "-c", config, "--run", "run_1");

        Assert.True(exit == 0, output);
        Assert.Contains("credential jti_1", output, StringComparison.Ordinal);
    }

    private static Task<string> SeedAsync(TempFolder dir, int count) =>
        TestStore.WriteAsync(dir, [.. Enumerable.Range(1, count).Select(i => new AuditEvent
        {
            Kind = AuditKinds.Decision, Time = DateTimeOffset.UtcNow, Outcome = i % 2 == 0 ? "deny" : "allow", User = $"user{i}", Tenant = "acme",
        })]);

    private static async Task ExecuteAsync(string db, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
