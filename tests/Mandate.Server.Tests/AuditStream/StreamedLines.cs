using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Core.Audit.Streaming;
using Mandate.Server.Tests.Cluster;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.AuditStream;

/// <summary>Reads audit stream lines and checks them against the broker's chain.</summary>
public static class StreamedLines
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static List<StreamedRecord> Records(IEnumerable<string> lines) =>
        [.. lines.Select(l => JsonDocument.Parse(l)).Where(d => d.RootElement.GetProperty("type").GetString() == AuditStreamLine.RecordType).Select(d =>
        {
            using (d)
            {
                var root = d.RootElement;
                return new StreamedRecord(
                    root.GetProperty("sequence").GetInt64(), root.GetProperty("prev_hash").GetString()!, root.GetProperty("hash").GetString()!, root.GetProperty("event").GetRawText());
            }
        })];

    /// <summary>The complete lines of a stream file, read while the broker may be appending (a line still being written is left for the next read).</summary>
    public static List<string> ReadFile(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(file);
        var text = reader.ReadToEnd();
        return [.. text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    /// <summary>
    /// Waits until <paramref name="lines"/> hold a record line for every record in the broker's store, advancing the broker's
    /// clock each poll so a backed-off retry comes due.
    /// </summary>
    public static async Task<List<StreamedRecord>> AwaitAllAsync(BrokerHarness broker, Func<IEnumerable<string>> lines, bool advanceClock = false)
    {
        List<StreamedRecord> streamed = [];
        await ClusterHarness.EventuallyAsync(
            async () =>
            {
                if (advanceClock)
                {
                    broker.Clock.Advance(TimeSpan.FromSeconds(1));
                }

                var head = (await broker.ReadAuditAsync()).Max(r => r.Sequence);
                streamed = Records(lines());
                return streamed.Count > 0 && streamed[^1].Sequence >= head;
            },
            Timeout,
            "every committed record streamed");
        return streamed;
    }

    /// <summary>The streamed records are the store's chain: every record once, in order, each re-hashing to its hash.</summary>
    public static async Task AssertAreTheChainAsync(BrokerHarness broker, IReadOnlyList<StreamedRecord> streamed)
    {
        var stored = await broker.ReadAuditAsync(new AuditQuery { AfterSequence = streamed[0].Sequence - 1, Limit = streamed.Count });
        Assert.Equal(stored.Select(r => (r.Sequence, r.PreviousHash, r.Hash)), streamed.Select(s => (s.Sequence, s.PreviousHash, s.Hash)));
        Assert.All(streamed, s => Assert.Equal(s.Hash, AuditChain.ComputeHash(s.Sequence, s.PreviousHash, s.Event)));
        for (var i = 1; i < streamed.Count; i++)
        {
            Assert.Equal(streamed[i - 1].Hash, streamed[i].PreviousHash);
        }
    }
}
