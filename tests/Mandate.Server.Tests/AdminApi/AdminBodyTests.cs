using System.Net;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.AdminApi;

/// <summary>
/// Invariant 7 on the admin socket's JSON bodies: a body the call cannot read exactly (not JSON, not one object, a
/// member it does not take, a member given twice, a value of the wrong type, too large, not sent as JSON) is a Problem
/// naming what is wrong, and nothing changes: a misspelt <c>reason</c> must not be dropped from a revocation.
/// </summary>
[Trait("Invariant", "7")]
public sealed class AdminBodyTests : BrokerTest
{
    private const string Agent = "spiffe://acme.example/agents/support";

    [Theory]
    [InlineData("admin/revocations", """{"target":"agent","value":"spiffe://acme.example/agents/support","reasn":"leaked"}""", "unknown member 'reasn'; this call takes target, value, reason, by")]
    [InlineData("admin/revocations", """{"Target":"agent","value":"spiffe://acme.example/agents/support"}""", "unknown member 'Target'")]
    [InlineData("admin/revocations", """{"target":"agent","value":"spiffe://acme.example/agents/support","target":"tenant"}""", "'target' is given twice")]
    [InlineData("admin/revocations", """{"target":"agent","value":["spiffe://acme.example/agents/support"]}""", "'value' must be a string")]
    [InlineData("admin/revocations", """{"target":"agent","value":"spiffe://acme.example/agents/support","reason":7}""", "'reason' must be a string")]
    [InlineData("admin/revocations", """{"target":"agent","value":"spiffe://acme.example/agents/support",}""", "the body is not valid JSON")]
    [InlineData("admin/revocations", """{"target":"agent","value":"spiffe://acme.example/agents/support"} {}""", "the body is not valid JSON")]
    [InlineData("admin/revocations", """["agent","spiffe://acme.example/agents/support"]""", "the body must be a JSON object")]
    [InlineData("admin/revocations", "null", "the body must be a JSON object")]
    [InlineData("admin/agents/enable", """{"agent":"spiffe://acme.example/agents/support","why":"fixed"}""", "unknown member 'why'; this call takes agent, reason, by")]
    [InlineData("admin/entries", """{"spiffe_id":"spiffe://acme.example/agents/support","selectors":["unix:uid:1000"],"x509ttl":"1h"}""", "unknown member 'x509ttl'; this call takes spiffe_id, selectors, x509_ttl, jwt_ttl, by")]
    [InlineData("admin/entries", """{"spiffe_id":"spiffe://acme.example/agents/support","selectors":[1000]}""", "'selectors' must be an array of strings")]
    [InlineData("admin/entries", """{"spiffe_id":"spiffe://acme.example/agents/support","selectors":"unix:uid:1000"}""", "'selectors' must be an array of strings")]
    [InlineData("admin/runs/run_x/end", """{"reason":"done","force":true}""", "unknown member 'force'; this call takes reason, by")]
    [InlineData("admin/approvals/apr_x/approve", """{"approver":"bob","comment":"ok"}""", "unknown member 'comment'; this call takes approver, reason")]
    [InlineData("admin/approvals/apr_x/deny", """{"approver":{"name":"bob"}}""", "'approver' must be a string")]
    [InlineData("admin/revocations", """{"target":"agent","value":"spiffe://acme.example/agents/\ud800"}""", "'value' is not valid text: it escapes a lone surrogate")]
    [InlineData("admin/revocations", """{"target":"agent","value":"spiffe://acme.example/agents/support","\udc00":"x"}""", "unknown member '\\udc00'")]
    [InlineData("admin/revocations", """{"target":"agent","value":"spiffe://acme.example/agents/support","\u0074arget":"user"}""", "'target' is given twice")]
    public async Task Invariant7_BodyItCannotReadExactly_Returns400ProblemNamingItAndChangesNothing(string path, string body, string detail)
    {
        var reply = await Broker.AssertAuditUnchangedAsync(() => AdminSocket.SendAsync(Broker, HttpMethod.Post, path, body));

        AssertProblem(reply, HttpStatusCode.BadRequest, detail);
        await AssertAgentNotRevokedAsync();
    }

    [Fact]
    public async Task Invariant7_BodyNotUtf8_Returns400ProblemAndChangesNothing()
    {
        var content = new ByteArrayContent([.. """{"target":"agent","val"""u8, 0xFF, .. """ue":"x"}"""u8]);
        content.Headers.ContentType = new("application/json");

        var reply = await Broker.AssertAuditUnchangedAsync(() => AdminSocket.SendAsync(Broker, HttpMethod.Post, "admin/revocations", content));

        AssertProblem(reply, HttpStatusCode.BadRequest, "the body is not valid UTF-8");
        await AssertAgentNotRevokedAsync();
    }

    [Fact]
    public async Task Invariant7_BodyNotSentAsJson_Returns415ProblemAndChangesNothing()
    {
        var reply = await Broker.AssertAuditUnchangedAsync(() =>
            AdminSocket.SendAsync(Broker, HttpMethod.Post, "admin/revocations", $"target=agent&value={Agent}", "application/x-www-form-urlencoded"));

        AssertProblem(reply, HttpStatusCode.UnsupportedMediaType, "send the body as Content-Type: application/json");
        await AssertAgentNotRevokedAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Invariant7_BodyOver64KiB_Returns413ProblemWithOrWithoutALength(bool declared)
    {
        var padded = $$"""{"target":"agent","value":"{{Agent}}","reason":"{{new string('x', 70_000)}}"}""";
        using var content = declared ? new StringContent(padded) : new ChunkedContent(padded);
        content.Headers.ContentType = new("application/json");

        var reply = await Broker.AssertAuditUnchangedAsync(() => AdminSocket.SendAsync(Broker, HttpMethod.Post, "admin/revocations", content));

        AssertProblem(reply, HttpStatusCode.RequestEntityTooLarge, "the body is larger than 65536 bytes");
        await AssertAgentNotRevokedAsync();
    }

    [Fact]
    public async Task ExactBody_IsActedOnWithItsReasonRecorded()
    {
        var reply = await AdminSocket.SendAsync(Broker, HttpMethod.Post, "admin/revocations", $$"""{"target":"agent","value":"{{Agent}}","reason":"key leaked","by":null}""");

        Assert.Equal(HttpStatusCode.Created, reply.Status);
        var revocation = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Revocation));
        Assert.Equal("key leaked", revocation.Reason);
    }

    [Theory]
    [InlineData("admin/approvals/apr_unknown/approve")]
    [InlineData("admin/runs/run_unknown/end")]
    public async Task EmptyBody_IsNoBody_ForCallsWhoseMembersAreOptional(string path)
    {
        var reply = await AdminSocket.SendAsync(Broker, HttpMethod.Post, path, body: null);

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.NotEqual("admin.body_invalid", reply.Json.GetProperty("check_id").GetString());
    }

    [Fact]
    public async Task Invariant7_DeleteEntryWithMisspeltReason_Returns400ProblemNamingIt()
    {
        var reply = await AdminSocket.SendAsync(Broker, HttpMethod.Delete, "admin/entries/ent_x?reson=rotated", body: null);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("admin.query_invalid", reply.Json.GetProperty("check_id").GetString());
        Assert.StartsWith("unknown parameter 'reson'; this endpoint takes by, reason", reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static void AssertProblem(OAuthReply reply, HttpStatusCode status, string detail)
    {
        Assert.Equal(status, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Equal("admin.body_invalid", reply.Json.GetProperty("check_id").GetString());
        Assert.StartsWith(detail, reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private async Task AssertAgentNotRevokedAsync() => Assert.Equal(HttpStatusCode.OK, (await Broker.ExchangeAsync(Broker.RefundRequest())).Status);

    /// <summary>A body sent without a Content-Length (chunked), so only the limit applied while reading can stop it.</summary>
    private sealed class ChunkedContent(string text) : StringContent(text)
    {
        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
