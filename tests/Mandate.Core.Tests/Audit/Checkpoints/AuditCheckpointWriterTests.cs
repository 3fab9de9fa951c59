using Mandate.Core.Audit;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Core.Storage;
using Mandate.Core.Tests.Keys;

namespace Mandate.Core.Tests.Audit.Checkpoints;

/// <summary>The checkpoint writer over a real SQLite store and a real file.</summary>
public sealed class AuditCheckpointWriterTests
{
    private const string Issuer = "https://mandate.test";

    [Fact]
    public async Task WriteAsync_AppendsTheHead_AndNothingWhileTheHeadStaysPut()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        using var dir = new TempDirectory();
        var path = dir.File("checkpoints/audit.jsonl");
        var ring = await AuditCheckpointTests.CheckpointRingAsync(env);
        using var writer = new AuditCheckpointWriter(env.Store, ring, path, "node-a", Issuer, env.Clock);

        var first = await writer.WriteAsync(env.Ct);
        var again = await writer.WriteAsync(env.Ct);
        await AppendRecordAsync(env);
        var second = await writer.WriteAsync(env.Ct);

        var head = (await AuditVerifier.VerifyAsync(env.Store, null, env.Ct)).Head;
        Assert.NotNull(first);
        Assert.Null(again);
        Assert.Equal(head, second!.Head);
        Assert.Equal(first.Head.Sequence + 1, second.Head.Sequence);
        var lines = await File.ReadAllLinesAsync(path, env.Ct);
        Assert.Equal([first.ToJsonLine(), second.ToJsonLine()], lines);
        foreach (var line in lines)
        {
            Assert.Null((await AuditCheckpoint.VerifyAsync(line, ring.Current.ByKid, Issuer)).Refusal);
        }
    }

    [Fact]
    public async Task WriteAsync_AfterRestart_ResumesFromTheFileAndDoesNotRepeatTheHead()
    {
        await using var env = await KeyRingEnvironment.StartAsync();
        using var dir = new TempDirectory();
        var path = dir.File("audit-checkpoints.jsonl");
        var ring = await AuditCheckpointTests.CheckpointRingAsync(env);
        using (var before = new AuditCheckpointWriter(env.Store, ring, path, "node-a", Issuer, env.Clock))
        {
            Assert.NotNull(await before.WriteAsync(env.Ct));
        }

        using var after = new AuditCheckpointWriter(env.Store, ring, path, "node-a", Issuer, env.Clock);

        Assert.Null(await after.WriteAsync(env.Ct));
        Assert.Single(await File.ReadAllLinesAsync(path, env.Ct));
    }

    private static Task AppendRecordAsync(KeyRingEnvironment env) => env.Store.CommitAsync(
        new StoreBatch([new AuditEvent { Kind = AuditKinds.KeyRotation, Time = env.Clock.GetUtcNow(), Outcome = "rotated" }]), env.Ct);
}
