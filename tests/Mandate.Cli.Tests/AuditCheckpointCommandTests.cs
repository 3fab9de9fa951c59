using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Cli.Tests;

/// <summary><c>mandate audit verify --checkpoint</c> over real SQLite stores, real keys and a real checkpoint file.</summary>
public sealed class AuditCheckpointCommandTests
{
    [Fact]
    public async Task Verify_IntactStore_ExitsZeroSayingTheKeysCameFromTheStore()
    {
        using var dir = new TempFolder();
        var (config, checkpoints, _) = await BrokerAsync(dir, ["alice", "bob", "carol"]);

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config, "--checkpoint", checkpoints);

        Assert.True(exit == 0, output);
        Assert.Contains("audit chain matches 1 signed checkpoints", output, StringComparison.Ordinal);
        Assert.Contains("checked against keys read from the store itself; pass --jwks", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_IntactStoreWithJwks_NoStoreKeysNote()
    {
        using var dir = new TempFolder();
        var (config, checkpoints, jwks) = await BrokerAsync(dir, ["alice"]);

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config, "--checkpoint", checkpoints, "--jwks", jwks);

        Assert.True(exit == 0, output);
        Assert.DoesNotContain("keys read from the store", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_StoreRewrittenWholesaleAndRechained_ExitsOne()
    {
        using var dir = new TempFolder();
        using var other = new TempFolder();
        var (_, checkpoints, jwks) = await BrokerAsync(dir, ["alice", "bob", "carol"]);
        // A consistent chain of as many records, with other contents: every hash verifies, none is the signed one.
        var (rewritten, _, _) = await BrokerAsync(other, ["mallory", "bob", "carol"]);

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", rewritten, "--checkpoint", checkpoints, "--jwks", jwks);

        Assert.Equal(1, exit);
        Assert.Contains("does not match checkpoint #4", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_StoreShorterThanTheCheckpoint_ExitsOneAsTruncated()
    {
        using var dir = new TempFolder();
        using var other = new TempFolder();
        var (_, checkpoints, jwks) = await BrokerAsync(dir, ["alice", "bob", "carol"]);
        var (truncated, _, _) = await BrokerAsync(other, ["alice"]);

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", truncated, "--checkpoint", checkpoints, "--jwks", jwks);

        Assert.Equal(1, exit);
        Assert.Contains("cut off the end", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_EditedCheckpointLine_ExitsOne()
    {
        using var dir = new TempFolder();
        var (config, checkpoints, _) = await BrokerAsync(dir, ["alice", "bob", "carol"]);
        await EditLineAsync(checkpoints, line => line.Replace("\"sequence\":4", "\"sequence\":3", StringComparison.Ordinal));

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config, "--checkpoint", checkpoints);

        Assert.Equal(1, exit);
        Assert.Contains("line 1: checkpoint line #3 says other than its signature", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ForgedSignature_ExitsOne()
    {
        using var dir = new TempFolder();
        var (config, checkpoints, _) = await BrokerAsync(dir, ["alice", "bob", "carol"]);
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await EditLineAsync(checkpoints, line =>
        {
            var jws = JsonDocument.Parse(line).RootElement.GetProperty("jws").GetString()!;
            var signed = jws[..jws.LastIndexOf('.')];
            var forged = signed + "." + Base64UrlEncoder.Encode(forger.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256));
            return line.Replace(jws, forged, StringComparison.Ordinal);
        });

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config, "--checkpoint", checkpoints);

        Assert.Equal(1, exit);
        Assert.Contains("line 1: checkpoint signature does not verify", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_KeyNotInTheJwks_ExitsOneAsUnknownKid()
    {
        using var dir = new TempFolder();
        using var other = new TempFolder();
        var (config, checkpoints, _) = await BrokerAsync(dir, ["alice", "bob", "carol"]);
        var (_, _, otherJwks) = await BrokerAsync(other, ["alice", "bob", "carol"]);

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config, "--checkpoint", checkpoints, "--jwks", otherJwks);

        Assert.Equal(1, exit);
        Assert.Contains("unknown checkpoint key 'audit-checkpoint-", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Verify_CheckpointSignedForAnotherIssuer_ExitsOneNamingTheLineAndTheIssuerExpected(bool withJwks)
    {
        // Another deployment's checkpoint key in the key set vouches for its own chain, never for this broker's.
        using var dir = new TempFolder();
        var (config, checkpoints, jwks) = await BrokerAsync(dir, ["alice", "bob", "carol"], issuer: "https://mandate.globex.example");

        var (exit, output) = withJwks
            ? await CliRunner.RunAsync("audit", "verify", "-c", config, "--checkpoint", checkpoints, "--jwks", jwks)
            : await CliRunner.RunAsync("audit", "verify", "-c", config, "--checkpoint", checkpoints);

        Assert.Equal(1, exit);
        Assert.Contains("line 1: checkpoint signed for issuer 'https://mandate.globex.example', not this broker's issuer 'http://127.0.0.1:8080'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("audit chain matches", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("{\"sequence\":5}")]
    public async Task Verify_MalformedLine_ExitsOneAndNamesTheLine(string appended)
    {
        using var dir = new TempFolder();
        var (config, checkpoints, _) = await BrokerAsync(dir, ["alice", "bob", "carol"]);
        await File.AppendAllTextAsync(checkpoints, appended + "\n");

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config, "--checkpoint", checkpoints);

        Assert.Equal(1, exit);
        Assert.Contains("line 2: malformed checkpoint line", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkpoint_BrokerNotRunning_ExitsThreeAndNamesTheSocket()
    {
        using var dir = new TempFolder();
        var config = TestConfig.Write(dir);

        var (exit, output) = await CliRunner.RunAsync("audit", "checkpoint", "-c", config);

        Assert.Equal(3, exit);
        Assert.Contains("admin socket", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_CheckpointFileMissing_IsAUsageErrorNamingTheFile()
    {
        using var dir = new TempFolder();
        var (config, _, _) = await BrokerAsync(dir, ["alice"]);
        var missing = Path.Combine(dir.Path, "missing.jsonl");

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config, "--checkpoint", missing);

        Assert.Equal(2, exit);
        Assert.Contains($"--checkpoint: {missing} does not exist", output, StringComparison.Ordinal);
        Assert.DoesNotContain("chain", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_CheckpointIsAFolder_IsAUsageErrorNamingIt()
    {
        using var dir = new TempFolder();
        var (config, _, _) = await BrokerAsync(dir, ["alice"]);

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config, "--checkpoint", dir.Path);

        Assert.Equal(2, exit);
        Assert.Contains($"--checkpoint: {dir.Path} is a folder", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_EmptyCheckpointFile_StillExitsOne()
    {
        // A file that is there but holds nothing is evidence (truncated), not a mistyped path.
        using var dir = new TempFolder();
        var (config, _, _) = await BrokerAsync(dir, ["alice"]);

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config, "--checkpoint", dir.Write("empty.jsonl", ""));

        Assert.Equal(1, exit);
        Assert.Contains("holds no checkpoint", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_CheckpointAndArchiveTogether_IsAUsageError()
    {
        using var dir = new TempFolder();
        var (config, checkpoints, _) = await BrokerAsync(dir, ["alice"]);

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config, "--checkpoint", checkpoints, "--archive", checkpoints);

        Assert.Equal(2, exit);
        Assert.Contains("give --checkpoint or --archive, not both", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_JwksWithoutCheckpointOrArchive_IsAUsageErrorNotIgnored()
    {
        using var dir = new TempFolder();
        var (config, _, jwks) = await BrokerAsync(dir, ["alice"]);

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config, "--jwks", jwks);

        Assert.Equal(2, exit);
        Assert.Contains("--jwks is used only with --checkpoint or --archive", output, StringComparison.Ordinal);
        Assert.DoesNotContain("intact", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ArchiveFileMissing_IsAUsageErrorNamingTheFile()
    {
        using var dir = new TempFolder();
        var (config, _, jwks) = await BrokerAsync(dir, ["alice"]);
        var missing = Path.Combine(dir.Path, "no-such-archive.jsonl");

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config, "--archive", missing, "--jwks", jwks);

        Assert.Equal(2, exit);
        Assert.Contains($"--archive: {missing} does not exist", output, StringComparison.Ordinal);
        Assert.DoesNotContain("does not verify", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A broker's store in <paramref name="dir"/>: one decision per user, then the checkpoint key's creation record, then a
    /// checkpoint of that head, signed for <paramref name="issuer"/> (default the config's); returns the config, the
    /// checkpoint file and the checkpoint keys' JWKS file.
    /// </summary>
    private static async Task<(string Config, string Checkpoints, string Jwks)> BrokerAsync(TempFolder dir, string[] users, string? issuer = null)
    {
        var config = TestConfig.Write(dir);
        var db = Path.Combine(dir.Path, "data", "mandate.db");
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        await using var store = new SqliteMandateStore(new SqliteStoreOptions { FilePath = db });
        await store.MigrateAsync(CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        await store.CommitAsync(new StoreBatch([.. users.Select(u => new AuditEvent { Kind = AuditKinds.Decision, Time = now, Outcome = "allow", User = u, Tenant = "acme" })]), CancellationToken.None);
        using var kek = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        var options = new MandateOptions { Node = "node-a" };
        using var keys = new KeyRing(KeyProfiles.AuditCheckpoint(options), store, kek, options.Node, TimeProvider.System);
        await keys.RefreshAsync(CancellationToken.None);
        var checkpoints = Path.Combine(dir.Path, "checkpoints.jsonl");
        using var writer = new AuditCheckpointWriter(store, keys, checkpoints, options.Node, issuer ?? options.Issuer, TimeProvider.System);
        Assert.NotNull((await writer.WriteAsync(CancellationToken.None)).Written);
        return (config, checkpoints, dir.Write("checkpoint-keys.jwks.json", keys.Current.JwksJson));
    }

    private static async Task EditLineAsync(string path, Func<string, string> edit)
    {
        var lines = await File.ReadAllLinesAsync(path);
        lines[0] = edit(lines[0]);
        await File.WriteAllLinesAsync(path, lines);
    }
}
