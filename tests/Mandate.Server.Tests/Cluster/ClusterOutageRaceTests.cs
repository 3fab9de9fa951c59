using System.Collections.Concurrent;
using System.Net;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.Cluster;

/// <summary>
/// PostgreSQL lost in the middle of requests, as a crash or a network cut takes it: every node is issuing when the
/// connections drop. No credential leaves without its durable issuance record, every answer is a credential or the
/// standard 503, and the nodes issue again once PostgreSQL is back, without a restart.
/// </summary>
public sealed class ClusterOutageRaceTests : ClusterTest
{
    /// <summary>Requests in flight per node at any moment.</summary>
    private const int WorkersPerNode = 3;

    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(20);

    protected override Task<ClusterHarness> StartClusterAsync() => ClusterHarness.StartAsync(nodes: 2);

    [PostgresFact]
    public async Task Invariant2_PostgresCutWhileBothNodesIssue_NoCredentialWithoutItsRecord_No500_ThenBothRecover()
    {
        var replies = new ConcurrentQueue<(string Node, OAuthReply Reply)>();
        using var stop = new CancellationTokenSource();
        var workers = Cluster.Nodes.SelectMany(node => Enumerable.Range(0, WorkersPerNode).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                replies.Enqueue((node.Options.Node, await node.ExchangeAsync(node.RefundRequest())));
            }
        }))).ToList();

        try
        {
            await ClusterHarness.EventuallyAsync(() => Task.FromResult(Count(replies, HttpStatusCode.OK) >= 10), Recovery, "issuing before the cut");
            Cluster.Relay.Cut();
            await ClusterHarness.EventuallyAsync(
                () => Task.FromResult(Cluster.Nodes.All(n => replies.Any(r => r.Node == n.Options.Node && r.Reply.Status == HttpStatusCode.ServiceUnavailable))),
                Recovery,
                "every node answering 503 while PostgreSQL is cut");

            Cluster.Relay.Restore();
            var seen = replies.Count;
            await ClusterHarness.EventuallyAsync(
                () => Task.FromResult(Cluster.Nodes.All(n => replies.Skip(seen).Any(r => r.Node == n.Options.Node && r.Reply.Status == HttpStatusCode.OK))),
                Recovery,
                "every node issuing again after PostgreSQL is back");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }

        foreach (var (_, reply) in replies.Where(r => r.Reply.Status != HttpStatusCode.OK))
        {
            // RFC 6749 §5.2: temporarily_unavailable (503) when the broker cannot record; never a 500.
            Expect.Refused(reply, "temporarily_unavailable");
        }

        // Invariant 2: every credential that left a node has its issuance record. A 503 may still have one (the commit
        // reached PostgreSQL, its acknowledgement did not): a record without a credential is allowed, not the reverse.
        var recorded = (await Cluster.A.AuditEventsAsync(AuditKinds.Issuance)).Select(e => e.Jti).ToHashSet();
        var issued = replies.Where(r => r.Reply.Status == HttpStatusCode.OK).Select(r => IssuedTokens.Read(r.Reply.AccessToken!).Id).ToList();
        Assert.All(issued, jti => Assert.Contains(jti, recorded));
        var verification = await AuditVerifier.VerifyAsync(Cluster.A.Runtime.Store, null, CancellationToken.None);
        Assert.True(verification.IsValid, verification.Message);
    }

    private static int Count(ConcurrentQueue<(string Node, OAuthReply Reply)> replies, HttpStatusCode status) => replies.Count(r => r.Reply.Status == status);
}
