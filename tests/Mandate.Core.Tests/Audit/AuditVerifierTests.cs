using Mandate.Core.Audit;
using Xunit;

namespace Mandate.Core.Tests.Audit;

public sealed class AuditVerifierTests
{
    private static readonly DateTimeOffset Epoch = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public async Task VerifyAsync_EmptyLog_IsValidAtGenesis()
    {
        var result = await VerifyAsync([]);

        Assert.True(result.IsValid);
        Assert.Equal(0, result.RecordCount);
        Assert.Equal(AuditTail.Genesis, result.Head);
    }

    [Fact]
    public async Task VerifyAsync_IntactChain_ReportsCountAndHead()
    {
        var records = Chain(5);

        var result = await VerifyAsync(records);

        Assert.True(result.IsValid, result.Message);
        Assert.Equal(AuditProblemKind.None, result.Problem);
        Assert.Equal(5, result.RecordCount);
        Assert.Equal(new AuditTail(5, records[4].Hash), result.Head);
    }

    [Fact]
    public async Task VerifyAsync_MiddleRecordsMissing_ReportsGapRange()
    {
        var records = Chain(6);

        var result = await VerifyAsync([records[0], records[1], records[4], records[5]]);

        Assert.Equal(AuditProblemKind.SequenceGap, result.Problem);
        Assert.Equal(3, result.Sequence);
        Assert.Equal((3L, 4L), result.Missing);
        Assert.Equal(new AuditTail(2, records[1].Hash), result.Head);
        Assert.Contains("Records 3 to 4 are missing", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_FirstRecordMissing_ReportsGapFromOne()
    {
        var records = Chain(3);

        var result = await VerifyAsync(records.Skip(1).ToList());

        Assert.Equal(AuditProblemKind.SequenceGap, result.Problem);
        Assert.Equal((1L, 1L), result.Missing);
    }

    [Fact]
    public async Task VerifyAsync_EditedPayload_ReportsHashMismatch()
    {
        var records = Chain(4);
        records[2] = records[2] with { Payload = records[2].Payload.Replace("deny", "allow", StringComparison.Ordinal) };

        var result = await VerifyAsync(records);

        Assert.Equal(AuditProblemKind.HashMismatch, result.Problem);
        Assert.Equal(3, result.Sequence);
    }

    [Fact]
    public async Task VerifyAsync_SplicedRecordWithOwnValidHash_ReportsBrokenLink()
    {
        var records = Chain(4);
        var foreign = AuditChain.Link(new AuditTail(2, new string('a', 64)), [Event(99)])[0];
        records[2] = foreign;

        var result = await VerifyAsync(records);

        Assert.Equal(AuditProblemKind.BrokenLink, result.Problem);
        Assert.Equal(3, result.Sequence);
    }

    [Fact]
    public async Task VerifyAsync_RepeatedSequence_ReportsOutOfOrder()
    {
        var records = Chain(3);

        var result = await VerifyAsync([records[0], records[1], records[1]]);

        Assert.Equal(AuditProblemKind.OutOfOrder, result.Problem);
        Assert.Equal(2, result.Sequence);
    }

    [Fact]
    public async Task VerifyAsync_EditedIndexColumn_ReportsColumnMismatchNamingIt()
    {
        var records = Chain(3).Select(r => r with { Columns = AuditIndexColumns.From(r.Event) }).ToList();
        records[1] = records[1] with { Columns = records[1].Columns! with { Tenant = "other", Jti = "forged" } };

        var result = await VerifyAsync(records);

        Assert.Equal(AuditProblemKind.ColumnMismatch, result.Problem);
        Assert.Equal(2, result.Sequence);
        Assert.Contains("tenant, jti", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_PayloadNotAnEventButHashed_ReportsUnreadablePayload()
    {
        var hash = AuditChain.ComputeHash(1, AuditChain.GenesisHash, "{}");

        var result = await VerifyAsync([new AuditRecord(1, "{}", AuditChain.GenesisHash, hash)]);

        Assert.Equal(AuditProblemKind.UnreadablePayload, result.Problem);
        Assert.Equal(1, result.Sequence);
    }

    [Theory]
    [InlineData("{\"kind\":\"decision\",\"time\":null,\"outcome\":\"deny\"}")]
    [InlineData("{\"kind\":null,\"time\":\"2026-12-05T10:00:00Z\",\"outcome\":\"deny\"}")]
    [InlineData("[1]")]
    public async Task VerifyAsync_HashedPayloadWithNullOrWrongShape_ReportsUnreadablePayloadNotAnException(string payload)
    {
        var hash = AuditChain.ComputeHash(1, AuditChain.GenesisHash, payload);
        var record = new AuditRecord(1, payload, AuditChain.GenesisHash, hash);

        var result = await VerifyAsync([record]);

        Assert.Equal(AuditProblemKind.UnreadablePayload, result.Problem);
        Assert.Null(record.TryReadEvent());
    }

    [Fact]
    public async Task VerifyAsync_CheckpointMatches_IsValid()
    {
        var records = Chain(4);

        var result = await VerifyAsync(records, new AuditTail(3, records[2].Hash));

        Assert.True(result.IsValid, result.Message);
    }

    [Fact]
    public async Task VerifyAsync_CheckpointBeyondEnd_ReportsTruncation()
    {
        var records = Chain(5);

        var result = await VerifyAsync(records.Take(3).ToList(), new AuditTail(5, records[4].Hash));

        Assert.Equal(AuditProblemKind.Truncated, result.Problem);
        Assert.Equal(4, result.Sequence);
        Assert.Equal((4L, 5L), result.Missing);
        Assert.Equal(3, result.RecordCount);
    }

    [Fact]
    public async Task VerifyAsync_CheckpointHashDiffers_ReportsCheckpointMismatch()
    {
        var records = Chain(4);

        var result = await VerifyAsync(records, new AuditTail(3, new string('b', 64)));

        Assert.Equal(AuditProblemKind.CheckpointMismatch, result.Problem);
        Assert.Equal(3, result.Sequence);
    }

    private static AuditEvent Event(int n) => new()
    {
        Kind = AuditKinds.Decision,
        Time = Epoch.AddSeconds(n),
        Outcome = n % 3 == 0 ? "deny" : "allow",
        Agent = "spiffe://acme.example/agents/support",
        Tenant = "acme",
        Jti = $"jti-{n}",
    };

    private static List<AuditRecord> Chain(int count) =>
        AuditChain.Link(AuditTail.Genesis, Enumerable.Range(1, count).Select(Event).ToList()).ToList();

    private static Task<AuditVerificationResult> VerifyAsync(IReadOnlyList<AuditRecord> records, AuditTail? checkpoint = null) =>
        AuditVerifier.VerifyAsync(records.ToAsyncEnumerable(), checkpoint, CancellationToken.None);
}
