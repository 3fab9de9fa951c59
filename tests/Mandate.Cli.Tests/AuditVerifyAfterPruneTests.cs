namespace Mandate.Cli.Tests;

/// <summary><c>mandate audit verify</c> on a store pruned by <c>audit archive</c>: tampering at the cut is still found.</summary>
public sealed class AuditVerifyAfterPruneTests
{
    [Theory]
    [InlineData("UPDATE audit SET \"user\" = 'mallory' WHERE seq = (SELECT min(seq) FROM audit);", "hash does not match its contents")]
    [InlineData("DELETE FROM audit WHERE seq = (SELECT min(seq) FROM audit);", "is missing")]
    public async Task Verify_FirstRemainingRecordEditedOrDeletedAfterPrune_ExitsOne(string tamper, string expected)
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(3, AuditArchiveFixture.January);
        await broker.AppendAsync(2, AuditArchiveFixture.February);
        Assert.Equal(0, (await AuditArchiveCommandTests.ArchiveAsync(broker, "2026-02-01", "a.jsonl")).Exit);
        await AuditArchiveCommandTests.ExecuteRawAsync(broker, AuditArchiveCommandTests.DropGuards + tamper);

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", broker.Config);

        Assert.Equal(1, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AnchorEditedToMatchARewrittenChain_ExitsOne()
    {
        using var dir = new TempFolder();
        await using var broker = await AuditArchiveFixture.SqliteAsync(dir);
        await broker.AppendAsync(3, AuditArchiveFixture.January);
        await broker.AppendAsync(2, AuditArchiveFixture.February);
        Assert.Equal(0, (await AuditArchiveCommandTests.ArchiveAsync(broker, "2026-02-01", "a.jsonl")).Exit);
        // Re-anchor the remaining chain on a hash of the forger's choosing: the records then link, the signature does not.
        await AuditArchiveCommandTests.ExecuteRawAsync(broker, AuditArchiveCommandTests.DropGuards + """
            UPDATE audit_anchors SET hash = zeroblob(32);
            UPDATE audit SET prev_hash = zeroblob(32) WHERE seq = (SELECT min(seq) FROM audit);
            """);

        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", broker.Config);
        var (checkpointed, checkpointOutput) = await CliRunner.RunAsync("audit", "verify", "-c", broker.Config, "--checkpoint", broker.Checkpoints);

        Assert.Equal(1, exit);
        Assert.Equal(1, checkpointed);
        Assert.Contains("is not one of the signed checkpoints", checkpointOutput, StringComparison.Ordinal);
    }
}
