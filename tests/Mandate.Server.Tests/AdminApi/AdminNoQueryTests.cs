using System.Net;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.AdminApi;

/// <summary>
/// An admin endpoint that reads no query refuses one: a caller who believes <c>?spiffe_id=</c> narrows a listing, or
/// <c>?reason=</c> is recorded with a revocation, must learn it is not, before anything changes.
/// </summary>
[Trait("Invariant", "7")]
public sealed class AdminNoQueryTests : BrokerTest
{
    public static TheoryData<string, string, string?> EndpointsReadingNoQuery => new()
    {
        { "POST", "admin/revocations?reason=rotated", """{"kind":"jti","value":"test-jti-1","by":"alice"}""" },
        { "POST", "admin/agents/enable?by=alice", """{"agent":"spiffe://acme.example/agent/support","by":"alice"}""" },
        { "POST", "admin/audit/checkpoint?now=1", null },
        { "GET", "admin/status?verbose=1", null },
        { "GET", "admin/entries?spiffe_id=spiffe://acme.example/agent/support", null },
        { "POST", "admin/entries?by=alice", "{}" },
        { "GET", "admin/runs/run-1?full=1", null },
        { "GET", "admin/runs/run-1/trace?limit=5", null },
        { "POST", "admin/runs/run-1/end?reason=done", """{"by":"alice"}""" },
        { "POST", "admin/approvals/apr-1/approve?by=alice", """{"by":"alice"}""" },
        { "POST", "admin/approvals/apr-1/deny?by=alice", """{"by":"alice"}""" },
        { "GET", "admin/secrets?tool=payments", null },
    };

    [Theory]
    [MemberData(nameof(EndpointsReadingNoQuery))]
    public async Task Invariant7_QueryOnAnEndpointThatReadsNone_Returns400ProblemNamingIt_AndChangesNothing(string method, string target, string? body)
    {
        var reply = await Broker.AssertAuditUnchangedAsync(() =>
            AdminSocket.SendAsync(Broker, new HttpMethod(method), target, body, "application/json"));

        // RFC 9457 §3.1: the problem's status is the HTTP status.
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Equal(400, reply.Json.GetProperty("status").GetInt32());
        Assert.Equal("admin.query_invalid", reply.Json.GetProperty("check_id").GetString());
        Assert.Contains("this endpoint takes no query parameters", reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndpointThatReadsNoQuery_WithoutOne_StillAnswers()
    {
        var reply = await AdminSocket.GetAsync(Broker, "admin/status");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
    }
}
