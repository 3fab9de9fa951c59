using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Mandate.Cli.Tests;

/// <summary><c>mandate audit checkpoint</c> against a real broker over its admin socket.</summary>
public sealed class AuditCheckpointCommandBrokerTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Checkpoint_CheckpointsOff_ExitsTwoNamingTheSetting()
    {
        var config = TestConfig.Write(_dir);
        await using var app = await TestBroker.StartAsync(config);

        var (exit, output) = await CliRunner.RunAsync("audit", "checkpoint", "-c", config);

        Assert.Equal(2, exit);
        Assert.Contains("audit.checkpoints.file", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkpoint_RecordEditedSinceTheLastCheckpoint_ExitsOneNamingTheRecordAndSignsNothing()
    {
        var config = TestConfig.Write(_dir);
        File.AppendAllText(config, "\naudit: { checkpoints: { file: checkpoints.jsonl } }\n");
        await using var app = await TestBroker.StartAsync(config);
        Assert.Equal(0, (await CliRunner.RunAsync("audit", "checkpoint", "-c", config)).ExitCode);
        var signed = await File.ReadAllLinesAsync(Path.Combine(_dir.Path, "checkpoints.jsonl"));
        var head = (await AuditVerifier.VerifyAsync(app.Runtime.Store, null, CancellationToken.None)).Head.Sequence;
        await app.Runtime.Store.CommitAsync(
            new StoreBatch([Decision("alice"), Decision("bob")]),
            CancellationToken.None);

        await EditAsync($"DROP TRIGGER audit_no_update; UPDATE audit SET \"user\" = 'mallory' WHERE seq = {head + 1};");
        var (exit, output) = await CliRunner.RunAsync("audit", "checkpoint", "-c", config);

        Assert.Equal(1, exit);
        Assert.Contains($"broken at record #{head + 1}", output, StringComparison.Ordinal);
        Assert.Equal(signed, await File.ReadAllLinesAsync(Path.Combine(_dir.Path, "checkpoints.jsonl")));
    }

    private static AuditEvent Decision(string user) => new() { Kind = AuditKinds.Decision, Time = DateTimeOffset.UtcNow, Outcome = "allow", User = user };

    private async Task EditAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_dir.Path, "data", "mandate.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
