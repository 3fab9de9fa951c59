using System.Net;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.AdminApi;

/// <summary>
/// Invariant 7 on the admin socket's list endpoints: a query they cannot read exactly (an unknown or repeated parameter,
/// a limit out of range, an open flag that is not a boolean) is a 400 Problem naming it, never a wider answer.
/// </summary>
[Trait("Invariant", "7")]
public sealed class AdminQueryTests : BrokerTest
{
    [Theory]
    [InlineData("admin/audit?agnet=spiffe://acme.example/agents/support", "unknown parameter 'agnet'")]
    [InlineData("admin/audit?from=2026-01-01T00:00:00Z", "unknown parameter 'from'")]
    [InlineData("admin/audit?since=2026-01-01", "since must be an RFC 3339 date-time with an offset")]
    [InlineData("admin/audit?since=2026-01-01T00:00:00", "since must be an RFC 3339 date-time with an offset")]
    [InlineData("admin/audit?until=yesterday", "until must be an RFC 3339 date-time with an offset")]
    [InlineData("admin/audit?since=1h&until=2h", "until must be later than since")]
    [InlineData("admin/audit?order=desc", "order must be oldest or newest")]
    [InlineData("admin/audit?since=2026-01-01T00:00:00Z&until=2026-01-01T00:00:00Z", "until must be later than since")]
    [InlineData("admin/audit?%0A=1", "unknown parameter '(not shown)'")]
    [InlineData("admin/audit?kind=issuance&kind=decision", "'kind' is given 2 times")]
    [InlineData("admin/audit?kind=issuence", "no audit record kind is called 'issuence'; the kinds are: ")]
    [InlineData("admin/audit?trace=4BF92F3577B34DA6A3CE929D0E0E4736", "trace must be a W3C trace id")]
    [InlineData("admin/audit?trace=00000000000000000000000000000000", "trace must be a W3C trace id")]
    [InlineData("admin/audit?limit=abc", "limit must be a whole number from 1 to 10000")]
    [InlineData("admin/audit?limit=0", "limit must be a whole number from 1 to 10000")]
    [InlineData("admin/audit?limit=-1", "limit must be a whole number from 1 to 10000")]
    [InlineData("admin/audit?limit=10001", "limit must be a whole number from 1 to 10000")]
    [InlineData("admin/audit?limit=99999999999", "limit must be a whole number from 1 to 10000")]
    [InlineData("admin/audit?limit=%2B5", "limit must be a whole number from 1 to 10000")]
    [InlineData("admin/runs?open=yes", "open must be true or false")]
    [InlineData("admin/runs?limit=1001", "limit must be a whole number from 1 to 1000")]
    [InlineData("admin/runs?tennant=acme", "unknown parameter 'tennant'")]
    [InlineData("admin/approvals?limit=0", "limit must be a whole number from 1 to 1000")]
    [InlineData("admin/approvals?stat=pending", "unknown parameter 'stat'")]
    public async Task Invariant7_ListQueryItCannotReadExactly_Returns400ProblemNamingIt(string path, string detail)
    {
        var reply = await AdminSocket.GetAsync(Broker, path);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("application/problem+json", reply.MediaType);
        Assert.Equal("admin.query_invalid", reply.Json.GetProperty("check_id").GetString());
        Assert.StartsWith(detail, reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant7_AuditRecordThatIsNotJson_AnsweredWithItsRawPayloadNot500()
    {
        await Broker.IssueAsync();
        var issuance = (await Broker.ReadAuditAsync(new AuditQuery { Kind = AuditKinds.Issuance })).Single().Sequence;
        await Broker.ExecuteSqlAsync($"DROP TRIGGER audit_shapes_no_update; UPDATE audit_shapes SET body = 'not json' WHERE id = (SELECT shape FROM audit WHERE seq = {issuance});");

        var reply = await AdminSocket.GetAsync(Broker, "admin/audit");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var record = reply.Json.EnumerateArray().Single(r => r.GetProperty("seq").GetInt64() == issuance);
        Assert.Equal("not json", record.GetProperty("event").GetString());
    }

    [Fact]
    public async Task AuditSinceUntilAndNewest_AnswerTheRecordsOfThatWindowOrTheLatest()
    {
        await Broker.IssueAsync();
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await Broker.IssueAsync();
        var since = Uri.EscapeDataString(Broker.Now.AddSeconds(-30).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var until = Uri.EscapeDataString(Broker.Now.AddSeconds(30).ToString("O", System.Globalization.CultureInfo.InvariantCulture));

        var window = await AdminSocket.GetAsync(Broker, $"admin/audit?kind=issuance&since={since}&until={until}");
        var lastMinute = await AdminSocket.GetAsync(Broker, "admin/audit?kind=issuance&since=30s");
        var newest = await AdminSocket.GetAsync(Broker, "admin/audit?kind=issuance&order=newest&limit=1");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (window.Status, lastMinute.Status, newest.Status));
        var jti = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(second).Id;
        Assert.Equal(jti, Assert.Single(window.Json.EnumerateArray()).GetProperty("event").GetProperty("jti").GetString());
        Assert.Equal(jti, Assert.Single(lastMinute.Json.EnumerateArray()).GetProperty("event").GetProperty("jti").GetString());
        Assert.Equal(jti, Assert.Single(newest.Json.EnumerateArray()).GetProperty("event").GetProperty("jti").GetString());
    }

    [Theory]
    [InlineData("1")]
    [InlineData("pending,denied")]
    [InlineData("%20pending")]
    [InlineData("expired")]
    public async Task Invariant7_ApprovalListStatusNotAName_Returns400ProblemNamingTheStatuses(string status)
    {
        // Enum.TryParse would read "1" as approved and "pending,denied" as a flags combination.
        var reply = await AdminSocket.GetAsync(Broker, $"admin/approvals?status={status}");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal("admin.approval_status_invalid", reply.Json.GetProperty("check_id").GetString());
        Assert.Equal("status is pending, approved, denied, consumed or withdrawn", reply.Json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ListQueriesWithKnownParameters_AreAnswered()
    {
        await Broker.IssueAsync();
        await Broker.IssueAsync();

        var audit = await AdminSocket.GetAsync(Broker, "admin/audit?kind=issuance&limit=1");
        var runs = await AdminSocket.GetAsync(Broker, "admin/runs?open=false&limit=5");
        var approvals = await AdminSocket.GetAsync(Broker, "admin/approvals?status=pending&limit=10");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (audit.Status, runs.Status, approvals.Status));
        var record = Assert.Single(audit.Json.EnumerateArray());
        Assert.Equal("issuance", record.GetProperty("event").GetProperty("kind").GetString());
    }
}
