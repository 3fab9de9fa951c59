using System.Net;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// The body of <c>POST /evidence</c> is JSON text: UTF-8 throughout (RFC 8259 §8.1), one object. A body that is not is
/// refused with <c>evidence.body_invalid</c>, saying where the reader stopped without repeating what it read, and nothing
/// is recorded.
/// </summary>
[Trait("Invariant", "7")]
public sealed class EvidenceBodyTests : BrokerTest
{
    protected override string Configuration => CiPoster.AddTo(TestBroker.Configuration);

    [Fact]
    public async Task Invariant7_EvidenceWithBytesThatAreNotUtf8InAMemberItDoesNotTake_Returns400AndRecordsNothing()
    {
        // The reader decodes only the members the fact takes; the others' strings were skipped without being checked.
        byte[] body = [.. """{"kind":"eval","subject":"acme/shop@4f2a9c1","result":"pass","note":" """u8, 0xFF, 0xFE, .. "\"}"u8];

        var reply = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(("invalid_request", "evidence.body_invalid"), (reply.Error, reply.Member("check_id")));
        Assert.Contains("not UTF-8 text", reply.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kind":"eval","subject":"acme/shop@4f2a9c1",""", "line 1, byte 45")]
    [InlineData("{\n  \"kind\": \"eval\",\n  \"kind\": \"lint\"\n}", "line 3")]
    [InlineData("""{"\ud800":"x"}""", "line 1")]
    public async Task Invariant7_EvidenceThatIsNotOneJsonObject_Returns400SayingWhereTheReaderStopped(string body, string where)
    {
        var reply = await PostAsync(System.Text.Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("evidence.body_invalid", reply.Member("check_id"));
        Assert.Contains($"the reader stopped at {where}", reply.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("lint", reply.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant7_EvidenceWithDetailsOverTheLimit_Returns400SayingTheLimitAndRecordsNothing()
    {
        var details = new string('x', Mandate.Core.Evidence.EvidenceRequest.MaxDetails);
        var body = System.Text.Encoding.UTF8.GetBytes($$$"""{"kind":"eval","subject":"acme/shop@4f2a9c1","result":"pass","details":{"note":"{{{details}}}"}}""");

        var reply = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(("invalid_request", "evidence.body_invalid"), (reply.Error, reply.Member("check_id")));
        Assert.Contains($"details must be at most {Mandate.Core.Evidence.EvidenceRequest.MaxDetails} characters", reply.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evidence_WellFormedFact_IsRecorded()
    {
        var reply = await RawRequests.SendAsync(Broker, HttpMethod.Post, "evidence", """{"kind":"eval","subject":"acme/shop@4f2a9c1","result":"pass","note":"ok"}"""u8.ToArray(), "application/json", authorization: "Bearer " + CiPoster.Token(Broker));

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.EvidencePosted));
    }

    private Task<OAuthReply> PostAsync(byte[] body) =>
        Broker.AssertAuditUnchangedAsync(() => RawRequests.SendAsync(Broker, HttpMethod.Post, "evidence", body, "application/json", authorization: "Bearer " + CiPoster.Token(Broker)));
}
