using System.Net;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// Invariant 7 under a fixed-seed stream of hostile requests: never a 5xx, every refusal a JSON OAuth
/// error, and every credential that does come back has its audit record (invariant 2).
/// </summary>
[Trait("Invariant", "7")]
public sealed class RandomInputTests : BrokerTest
{
    private const int Requests = 300;

    [Fact]
    public async Task Invariant7_TokenEndpoint300RandomRequests_NeverAnswer5xx()
    {
        var random = new RandomRequests(new Random(20260101), Broker);
        var issued = 0;

        for (var i = 0; i < Requests; i++)
        {
            var reply = await RawRequests.SendAsync(Broker, HttpMethod.Post, "oauth2/token", random.Body(), random.ContentType());

            AssertNoFault(reply, i);
            issued += reply.Status == HttpStatusCode.OK ? 1 : 0;
        }

        Assert.Equal(issued, (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count);
        var verified = await AuditVerifier.VerifyAsync(Broker.Runtime.Store, null, CancellationToken.None);
        Assert.True(verified.IsValid, verified.Message);
    }

    [Theory]
    [InlineData("oauth2/introspect")]
    [InlineData("oauth2/revoke")]
    public async Task Invariant7_WorkloadEndpoints300RandomRequests_NeverAnswer5xx(string path)
    {
        var random = new RandomRequests(new Random(path.Length), Broker);

        for (var i = 0; i < Requests; i++)
        {
            var reply = await RawRequests.SendAsync(Broker, HttpMethod.Post, path, random.Body(), random.ContentType(), authorization: random.Authorization());

            AssertNoFault(reply, i);
        }

        await Broker.AssertNothingIssuedAsync();
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }

    private static void AssertNoFault(OAuthReply reply, int request)
    {
        Assert.True((int)reply.Status < 500, $"request {request}: {reply}");

        // 431 comes from Kestrel itself (headers over 32 KiB), before any endpoint runs.
        if ((int)reply.Status >= 400 && reply.Status != HttpStatusCode.RequestHeaderFieldsTooLarge)
        {
            Assert.True(reply.IsJson && reply.Error is not null, $"request {request}: not an OAuth error: {reply}");
        }
    }
}
