using Mandate.Core.Audit;
using Mandate.Server.Tests.Cluster;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.AuditStream;

/// <summary>Several nodes on one PostgreSQL store streaming to one SIEM: each node sends the records it wrote, so every record arrives once.</summary>
public sealed class AuditStreamClusterTests
{
    [PostgresFact]
    public async Task Stream_TwoNodesToOneListener_EveryRecordOfTheSharedChainArrivesExactlyOnce()
    {
        await using var siem = LineListener.Tcp();
        await using var cluster = await ClusterHarness.StartAsync(
            nodes: 2, configuration: TestBroker.Configuration + $"\naudit:\n  stream:\n    socket: '{siem.Address}'\n");

        await cluster.A.IssueAsync();
        await cluster.B.IssueAsync();
        await cluster.A.IssueAsync();

        var stored = await cluster.A.ReadAuditAsync();
        List<StreamedRecord> streamed = [];
        await ClusterHarness.EventuallyAsync(
            () => Task.FromResult((streamed = StreamedLines.Records(siem.Lines)).Count >= stored.Count),
            StreamedLines.Timeout,
            "both nodes' records streamed");
        var bySequence = streamed.OrderBy(s => s.Sequence).ToList();
        Assert.Equal(stored.Select(r => (r.Sequence, r.Hash)), bySequence.Take(stored.Count).Select(s => (s.Sequence, s.Hash)));
        Assert.Equal(bySequence.Count, bySequence.Select(s => s.Sequence).Distinct().Count());
        Assert.All(streamed, s => Assert.Equal(s.Hash, AuditChain.ComputeHash(s.Sequence, s.PreviousHash, s.Event)));
        Assert.Equal(["node-a", "node-b"], stored.Select(r => r.Event.Node).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(2, siem.Connections);
    }
}
