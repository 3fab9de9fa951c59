using System.Text;
using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Core.Audit.Streaming;

namespace Mandate.Core.Tests.Audit.Streaming;

/// <summary>The stream's record line: one line, every chain field, and an <c>event</c> that re-hashes to the record's hash.</summary>
public sealed class AuditStreamLineTests
{
    private static readonly AuditEvent Event = new()
    {
        Kind = AuditKinds.Issuance,
        Time = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero),
        Outcome = "issued",
        Agent = "spiffe://acme.example/agent/refunds",
        Tenant = "acme",
        User = "alice\n<script>",
        Jti = "j-1",
        TraceId = "0af7651916cd43dd8448eb211c80319c",
        Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["issuer"] = "https://idp.example" },
    };

    [Fact]
    public void Record_OneLineThatReHashesToTheChain()
    {
        var record = AuditChain.Link(new AuditTail(41, new string('a', 64)), [Event])[0];

        var line = Encoding.UTF8.GetString(AuditStreamLine.Record(record));

        Assert.EndsWith("\n", line, StringComparison.Ordinal);
        Assert.Equal(1, line.Count(c => c == '\n'));
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal((AuditStreamLine.RecordType, 1, 42L), (root.GetProperty("type").GetString(), root.GetProperty("version").GetInt32(), root.GetProperty("sequence").GetInt64()));
        Assert.Equal(new string('a', 64), root.GetProperty("prev_hash").GetString());
        var payload = root.GetProperty("event").GetRawText();
        Assert.Equal(root.GetProperty("hash").GetString(), AuditChain.ComputeHash(42, root.GetProperty("prev_hash").GetString()!, payload));
        Assert.Equal(AuditCanonicalJson.Serialize(Event), payload);
    }

    [Fact]
    public void Record_EventIsTheLastMember_SoItsRawTextCanBeCutOutOfTheLineAndReHashed()
    {
        var record = AuditChain.Link(AuditTail.Genesis, [Event])[0];
        var line = Encoding.UTF8.GetString(AuditStreamLine.Record(record)).TrimEnd('\n');

        // The recipe docs/audit.md gives consumers without a raw-text JSON parser.
        var start = line.IndexOf("\"event\":", StringComparison.Ordinal) + "\"event\":".Length;
        var eventText = line[start..^1];

        Assert.Equal(record.Payload, eventText);
        Assert.Equal(record.Hash, AuditChain.ComputeHash(record.Sequence, record.PreviousHash, eventText));
    }

    [Theory]
    [InlineData("{\"kind\":\"x\"}\n{\"kind\":\"injected\"}")]
    [InlineData("{\n\"kind\":\"x\"}")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    public void Record_PayloadNotOneObjectOnOneLine_KeptAsTextOnOneLine(string payload)
    {
        var line = Encoding.UTF8.GetString(AuditStreamLine.Record(new AuditRecord(7, payload, AuditChain.GenesisHash, new string('b', 64))));

        Assert.Equal(1, line.Count(c => c == '\n'));
        using var json = JsonDocument.Parse(line);
        Assert.Equal(payload, json.RootElement.GetProperty("payload").GetString());
        Assert.False(json.RootElement.TryGetProperty("event", out _));
    }
}
