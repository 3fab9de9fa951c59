using System.Security.Cryptography;
using Mandate.Storage.Postgres;
using Mandate.Testing;
using Npgsql;

namespace Mandate.Cli.Tests;

/// <summary><c>mandate audit archive</c> on <c>store: postgres</c>: the cluster's one chain, pruned under the audit advisory lock.</summary>
public sealed class PostgresAuditArchiveCommandTests
{
    [PostgresFact]
    public async Task Archive_ThenVerifyStoreArchiveAndCheckpoints_AndABrokenRangeIsRefused()
    {
        var schema = "ma" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant();
        using var dir = new TempFolder();
        await using var database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = TestPostgresServer.ConnectionString, Schema = schema, Node = "node-a" });
        try
        {
            await using var broker = await AuditArchiveFixture.ForAsync(dir, Write(dir, schema), new PostgresMandateStore(database));
            var january = await broker.AppendAsync(3, AuditArchiveFixture.January);
            await broker.AppendAsync(2, AuditArchiveFixture.February);
            await broker.AppendAsync(2, AuditArchiveFixture.March);
            var first = Path.Combine(dir.Path, "first.jsonl");
            var second = Path.Combine(dir.Path, "second.jsonl");

            var (exit, output) = await CliRunner.RunAsync("audit", "archive", "-c", broker.Config, "--before", "2026-02-01", "--to", first);
            Assert.True(exit == 0, output);
            Assert.Equal(january.Sequence + 1, (await broker.RecordsAsync())[0].Sequence);

            // The record the next archive would cover is edited: refused, and nothing changes.
            await ExecuteAsync(schema, "ALTER TABLE audit DISABLE TRIGGER audit_no_update; "
                + $"UPDATE audit SET \"user\" = 'mallory' WHERE seq = {january.Sequence + 1}; ALTER TABLE audit ENABLE TRIGGER audit_no_update;");
            var (refused, refusedOutput) = await CliRunner.RunAsync("audit", "archive", "-c", broker.Config, "--before", "2026-03-01", "--to", second);
            Assert.Equal(1, refused);
            Assert.Contains("does not verify", refusedOutput, StringComparison.Ordinal);
            Assert.False(File.Exists(second));
            Assert.Equal(january.Sequence, (await broker.Store.ReadPruneAnchorAsync(CancellationToken.None))!.Sequence);

            var (verified, verifyOutput) = await CliRunner.RunAsync("audit", "verify", "-c", broker.Config);
            Assert.Equal(1, verified);
            Assert.Contains($"Record {january.Sequence + 1}'s hash does not match", verifyOutput, StringComparison.Ordinal);

            var (archiveOk, archiveOutput) = await CliRunner.RunAsync("audit", "verify", "--archive", first, "-c", broker.Config);
            Assert.True(archiveOk == 0, archiveOutput);
        }
        finally
        {
            await ExecuteAsync(null, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        }
    }

    [PostgresFact]
    public async Task Archive_TwiceThenVerify_ChainContinuesAcrossBothAnchors()
    {
        var schema = "ma" + Convert.ToHexString(RandomNumberGenerator.GetBytes(5)).ToLowerInvariant();
        using var dir = new TempFolder();
        await using var database = new PostgresDatabase(new PostgresStoreOptions { ConnectionString = TestPostgresServer.ConnectionString, Schema = schema, Node = "node-a" });
        try
        {
            await using var broker = await AuditArchiveFixture.ForAsync(dir, Write(dir, schema), new PostgresMandateStore(database));
            await broker.AppendAsync(3, AuditArchiveFixture.January);
            var february = await broker.AppendAsync(2, AuditArchiveFixture.February);
            await broker.AppendAsync(1, AuditArchiveFixture.March);

            Assert.Equal(0, (await CliRunner.RunAsync("audit", "archive", "-c", broker.Config, "--before", "2026-02-01", "--to", Path.Combine(dir.Path, "a.jsonl"))).ExitCode);
            var (exit, output) = await CliRunner.RunAsync("audit", "archive", "-c", broker.Config, "--before", "2026-03-01", "--to", Path.Combine(dir.Path, "b.jsonl"));
            var (verified, verifyOutput) = await CliRunner.RunAsync("audit", "verify", "-c", broker.Config, "--checkpoint", broker.Checkpoints);
            var (series, seriesOutput) = await CliRunner.RunAsync(
                "audit", "verify", "-c", broker.Config, "--archive", Path.Combine(dir.Path, "a.jsonl"), "--archive", Path.Combine(dir.Path, "b.jsonl"));

            Assert.True(exit == 0, output);
            Assert.True(verified == 0, verifyOutput);
            Assert.Contains($"records up to #{february.Sequence} archived", verifyOutput, StringComparison.Ordinal);
            Assert.True(series == 0, seriesOutput);
        }
        finally
        {
            await ExecuteAsync(null, $"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        }
    }

    private static string Write(TempFolder dir, string schema)
    {
        dir.Write("policy.yaml", "rules: []\n");
        return dir.Write("mandate.yaml", PostgresReadCommandTests.Configuration(schema, "node-a") + "\naudit:\n  checkpoints:\n    file: checkpoints.jsonl\n");
    }

    private static async Task ExecuteAsync(string? schema, string sql)
    {
        if (TestPostgresServer.ConnectionStringOrNull is not { } server)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand((schema is null ? "" : $"SET search_path TO \"{schema}\"; ") + sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
