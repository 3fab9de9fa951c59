using System.Net;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Cluster;

/// <summary>
/// What one node changes for itself while another keeps working: its signing key (the other node signs and verifies
/// through the rotation) and its policy version (each node decides on the version it holds, and every decision names
/// exactly the version that decided).
/// </summary>
public sealed class ClusterChangeRaceTests : ClusterTest
{
    private const int Rounds = 6;

    /// <summary>Requests each node sends in one round of a race.</summary>
    private const int PerRound = 4;

    /// <summary>The same policy with the refund rule capped at one minute: its credentials say which version decided.</summary>
    private static readonly string ShortPolicy = TestBroker.Policy.Replace(
        "tenant: same_as_user\n    max_lifetime: 5m", "tenant: same_as_user\n    max_lifetime: 60s", StringComparison.Ordinal);

    protected override Task<ClusterHarness> StartClusterAsync() => ClusterHarness.StartAsync(nodes: 2);

    [PostgresFact]
    public async Task Invariant5_KeyRotatedOnAWhileBSignsAndVerifies_EveryCredentialIsActiveOnTheOtherNode()
    {
        var kids = new HashSet<string>();
        for (var round = 0; round < Rounds; round++)
        {
            // Odd rounds publish the next key, even rounds make it sign: the two steps of a rotation.
            Cluster.Clock.Advance(round % 2 == 0 ? RotateEvery : PublishAhead);
            var replies = await ClusterRace.AtOnceAsync(
                async () =>
                {
                    await Cluster.A.Runtime.Keys.RefreshAsync(CancellationToken.None);
                    return await IssueSeveralAsync(Cluster.A);
                },
                () => IssueSeveralAsync(Cluster.B));

            foreach (var (issuer, verifier, credentials) in new[] { (Cluster.A, Cluster.B, replies[0]), (Cluster.B, Cluster.A, replies[1]) })
            {
                foreach (var credential in credentials)
                {
                    kids.Add(IssuedTokens.Read(credential).Kid);
                    Assert.True(await verifier.ActiveAsync(credential), $"{verifier.Options.Node} does not accept what {issuer.Options.Node} signed with {IssuedTokens.Read(credential).Kid}");
                }
            }
        }

        // The race spanned rotations of both nodes' keys, not one key.
        Assert.True(kids.Count >= 4, $"only {kids.Count} signing keys were used");
    }

    [PostgresFact]
    public async Task Invariant5_PolicyReloadedOnAWhileBothDecide_EachCredentialAndItsRecordNameTheVersionThatDecided()
    {
        var original = Cluster.A.Runtime.Policy.Current.Version;
        var versions = new Dictionary<string, TimeSpan> { [original] = SupportMaxLifetime };
        var credentials = new List<(BrokerHarness Node, string Token)>();
        for (var round = 0; round < Rounds; round++)
        {
            await Cluster.A.WritePolicyAsync(round % 2 == 0 ? ShortPolicy : TestBroker.Policy);
            var replies = await ClusterRace.AtOnceAsync(
                async () =>
                {
                    var reload = await Cluster.A.Runtime.Policy.ReloadAsync();
                    Assert.True(reload.IsValid);
                    return await IssueSeveralAsync(Cluster.A);
                },
                () => IssueSeveralAsync(Cluster.A),
                () => IssueSeveralAsync(Cluster.B));

            versions.TryAdd(Cluster.A.Runtime.Policy.Current.Version, round % 2 == 0 ? TimeSpan.FromSeconds(60) : SupportMaxLifetime);
            credentials.AddRange(replies[0].Concat(replies[1]).Select(t => (Cluster.A, t)).Concat(replies[2].Select(t => (Cluster.B, t))));
        }

        Assert.Equal(2, versions.Count);
        var issuances = (await Cluster.A.AuditEventsAsync(AuditKinds.Issuance)).ToDictionary(e => e.Jti!);
        foreach (var (node, token) in credentials)
        {
            var jwt = IssuedTokens.Read(token);
            var pol = jwt.GetPayloadValue<string>("pol");
            Assert.Equal(pol, issuances[jwt.Id].PolicyVersion);
            Assert.Equal(node.Options.Node, issuances[jwt.Id].Node);
            // The version named is the one whose rule set the lifetime: it decided.
            Assert.Equal(versions[pol], IssuedTokens.Lifetime(token));
            if (node == Cluster.B)
            {
                // Node B never reloaded: it decides on the version it loaded at start, whatever node A holds.
                Assert.Equal(original, pol);
            }
        }
    }

    private static async Task<List<string>> IssueSeveralAsync(BrokerHarness node)
    {
        var issued = new List<string>();
        for (var i = 0; i < PerRound; i++)
        {
            var reply = await node.ExchangeAsync(node.RefundRequest());
            Assert.True(reply.Status == HttpStatusCode.OK, $"{node.Options.Node}: {reply}");
            issued.Add(reply.AccessToken!);
        }

        return issued;
    }
}
