using System.Net;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Runs;

/// <summary>
/// Invariant 5, attributable: every run id a credential carries can be traced. A plain exchange (no run
/// token) stamps a run id on its credential, or carries the one the caller named; the admin API's run and
/// trace read it back from the audit records that carry it.
/// </summary>
public sealed class ImplicitRunTraceTests : BrokerTest
{
    [Fact]
    public async Task Invariant5_PlainExchangeRunId_IsShownAndTracedWithItsCredential()
    {
        var credential = await Broker.IssueAsync();
        var token = IssuedTokens.Read(credential);
        var run = token.GetPayloadValue<string>("run");

        var shown = await AdminSocket.GetAsync(Broker, $"admin/runs/{run}");
        var trace = await AdminSocket.GetAsync(Broker, $"admin/runs/{run}/trace");

        Assert.Equal(HttpStatusCode.OK, shown.Status);
        Assert.Equal((SupportAgent, "acme", "alice"), (Str(shown, "agent"), Str(shown, "tenant"), Str(shown, "user")));
        Assert.Equal(HttpStatusCode.OK, trace.Status);
        Assert.True(trace.Json.GetProperty("implicit").GetBoolean());
        Assert.Equal(run, trace.Json.GetProperty("run").GetProperty("id").GetString());
        var traced = Assert.Single(trace.Json.GetProperty("credentials").EnumerateArray());
        Assert.Equal(token.Id, traced.GetProperty("jti").GetString());
        Assert.Equal(token.GetPayloadValue<string>("dec"), trace.Json.GetProperty("run").GetProperty("decision").GetString());
    }

    [Fact]
    public async Task Invariant5_CallerNamedRunId_TracesEveryCredentialAndItsRevocation()
    {
        var first = IssuedTokens.Read(await Broker.IssueAsync(Broker.RefundRequest() with { Run = "run_batch_7" }));
        var second = IssuedTokens.Read(await Broker.IssueAsync(Broker.RefundRequest() with { Run = "run_batch_7", Scope = "refunds:read" }));
        using (var admin = Broker.Admin())
        {
            await admin.RevokeAsync("run", "run_batch_7", "batch aborted");
        }

        var trace = await AdminSocket.GetAsync(Broker, "admin/runs/run_batch_7/trace");

        Assert.Equal(HttpStatusCode.OK, trace.Status);
        Assert.Equal(
            new[] { first.Id, second.Id }.Order(),
            trace.Json.GetProperty("credentials").EnumerateArray().Select(c => c.GetProperty("jti").GetString()!).Order());
        var run = trace.Json.GetProperty("run");
        Assert.Equal("batch aborted", run.GetProperty("end_reason").GetString());
        Assert.Contains(trace.Json.GetProperty("lifecycle").EnumerateArray(), r => r.GetProperty("event").GetProperty("kind").GetString() == "revocation");
    }

    [Fact]
    public async Task RunTrace_IdNoRecordCarries_Returns404Problem()
    {
        await Broker.IssueAsync();

        var reply = await AdminSocket.GetAsync(Broker, "admin/runs/run_never_seen/trace");

        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.Contains("no audit record carries it", reply.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static string? Str(OAuthReply reply, string name) => reply.Json.GetProperty(name).GetString();
}
