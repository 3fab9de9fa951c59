using System.Net;
using System.Net.Http.Json;
using System.Text;
using Mandate.Core.Spiffe;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>Hostile requests on the workload socket: each gets a Problem with its check id, never a 500, and issues nothing.</summary>
public sealed class WorkloadRequestRulesTests : SpiffeBrokerTest
{
    private const string Agent = TestBroker.SupportAgent;

    [Theory]
    [InlineData("api.example:443 x")]
    [InlineData("https://api.example/a b")]
    [InlineData("refunds\u0000admin")]
    [InlineData("refunds\nspiffe://acme.example/agents/other")]
    [InlineData("https://api.example/\u007f")]
    public async Task Invariant7_JwtSvid_AudienceThatIsNotAStringOrUri_Returns400AndIssuesNothing(string audience)
    {
        await RegisterThisProcessAsync(Agent);
        using var client = WorkloadSocketClient.Connect(WorkloadSocket);

        using var response = await client.PostAsJsonAsync("v1/svid/jwt", new { audience });

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "workload.audience_invalid");
        Assert.Empty(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
    }

    [Theory]
    [InlineData("refunds")]
    [InlineData("urn:example:refunds")]
    [InlineData("spiffe://acme.example/tools/refunds")]
    public async Task JwtSvid_AudienceThatIsANameOrAnAbsoluteUri_IsIssued(string audience)
    {
        await RegisterThisProcessAsync(Agent);
        using var client = WorkloadSocketClient.Connect(WorkloadSocket);

        using var response = await client.PostAsJsonAsync("v1/svid/jwt", new { audience });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(audience, Assert.Single(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid)).Evidence["audience"]);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task Invariant7_JwtSvid_BodyThatIsNotJson_Returns415AndIssuesNothing(string? contentType)
    {
        await RegisterThisProcessAsync(Agent);
        using var client = WorkloadSocketClient.Connect(WorkloadSocket);
        using var content = new ByteArrayContent("{\"audience\":\"refunds\"}"u8.ToArray());
        if (contentType is not null)
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        using var response = await client.PostAsync("v1/svid/jwt", content);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "workload.body_invalid");
        Assert.Empty(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
    }

    [Fact]
    public async Task Invariant7_JwtSvid_OversizedBody_Returns413ProblemAndIssuesNothing()
    {
        await RegisterThisProcessAsync(Agent);
        using var client = WorkloadSocketClient.Connect(WorkloadSocket);
        // Over the endpoint's 8 KiB but under the server's own 64 KiB: the server refuses it unread and still drains it, so
        // the client finishes sending and reads the 413 (over a Unix socket a body the server will not drain breaks the
        // client's write with EPIPE before it reads the answer).
        var body = "{\"audience\":\"refunds\"" + new string(' ', 16 * 1024) + "}";

        using var response = await client.PostAsync("v1/svid/jwt", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "workload.body_invalid");
        Assert.Empty(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
    }
}
