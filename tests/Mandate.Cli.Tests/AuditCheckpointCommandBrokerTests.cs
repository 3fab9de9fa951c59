using Mandate.Core.Audit;
using Mandate.Core.Storage;
using Mandate.Server.Endpoints;
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

    [Fact]
    public async Task Verify_JwksSavedFromTheBrokersAuditJwks_VerifiesTheBrokersCheckpoints()
    {
        var (config, checkpoints, audit, _) = await CheckpointedBrokerAsync();

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config, "--checkpoint", checkpoints, "--jwks", audit);

        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task Verify_JwksSavedFromTheTokenJwks_ExitsOneAsAnUnknownCheckpointKey()
    {
        var (config, checkpoints, _, tokens) = await CheckpointedBrokerAsync();

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config, "--checkpoint", checkpoints, "--jwks", tokens);

        Assert.Equal(1, exit);
        Assert.Contains("unknown checkpoint key 'audit-checkpoint-", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_JwksHoldingTokenAndCheckpointKeys_PicksTheCheckpointKeysByKid()
    {
        var (config, checkpoints, audit, tokens) = await CheckpointedBrokerAsync();
        // What a copy of /.well-known/jwks.json saved while it still held the checkpoint keys looks like.
        var both = new System.Text.Json.Nodes.JsonObject
        {
            ["keys"] = new System.Text.Json.Nodes.JsonArray([.. Keys(tokens), .. Keys(audit)]),
        };
        var saved = Path.Combine(_dir.Path, "old-jwks.json");
        await File.WriteAllTextAsync(saved, both.ToJsonString());

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config, "--checkpoint", checkpoints, "--jwks", saved);

        Assert.True(exit == 0, output);
    }

    /// <summary>A broker with checkpoints that wrote one, stopped; the checkpoint file and its two key sets saved from it.</summary>
    private async Task<(string Config, string Checkpoints, string AuditJwks, string TokenJwks)> CheckpointedBrokerAsync()
    {
        var config = TestConfig.Write(_dir);
        File.AppendAllText(config, "\naudit: { checkpoints: { file: checkpoints.jsonl } }\n");
        var audit = Path.Combine(_dir.Path, "audit-jwks.json");
        var tokens = Path.Combine(_dir.Path, "token-jwks.json");
        await using (var app = await TestBroker.StartAsync(config))
        {
            Assert.Equal(0, (await CliRunner.RunAsync("audit", "checkpoint", "-c", config)).ExitCode);
            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            await File.WriteAllTextAsync(audit, await http.GetStringAsync(new Uri(AuditJwksEndpoint.Path, UriKind.Relative)));
            await File.WriteAllTextAsync(tokens, await http.GetStringAsync(new Uri(MetadataEndpoints.JwksPath, UriKind.Relative)));
        }

        return (config, Path.Combine(_dir.Path, "checkpoints.jsonl"), audit, tokens);
    }

    private static IEnumerable<System.Text.Json.Nodes.JsonNode> Keys(string jwksFile) =>
        System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(jwksFile))!["keys"]!.AsArray().Select(k => k!.DeepClone());

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
