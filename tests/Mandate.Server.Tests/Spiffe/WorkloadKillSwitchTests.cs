using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Mandate.Core.Spiffe;
using Mandate.Server.Tests.Harness;
using Mandate.Server.WorkloadApi.SpiffeEndpoint;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>
/// Invariant 6: the kill switch (<c>mandate agents disable</c>) leaves a disabled agent nothing new, its identity
/// included. An SVID from Mandate's CA would still open every tool that trusts the trust domain's bundle directly.
/// </summary>
[Trait("Invariant", "6")]
public sealed class WorkloadKillSwitchTests : SpiffeBrokerTest
{
    private const string Agent = TestBroker.SupportAgent;

    [Fact]
    public async Task Invariant6_AgentDisabled_WorkloadEndpointJwtSvid_Refused403AndNothingIssued()
    {
        await RegisterThisProcessAsync(Agent);
        await DisableAsync();
        using var client = WorkloadSocketClient.Connect(WorkloadSocket);

        using var response = await client.PostAsJsonAsync("v1/svid/jwt", new { audience = "https://ledger.acme.example" });

        var detail = await AssertProblemAsync(response, HttpStatusCode.Forbidden, "attest.agent_disabled");
        Assert.Contains($"agent '{Agent}' is disabled", detail, StringComparison.Ordinal);
        await AssertRefusedOnlyAsync("jwt");
    }

    [Fact]
    public async Task Invariant6_AgentDisabled_WorkloadEndpointX509Svid_Refused403AndNothingIssued()
    {
        await RegisterThisProcessAsync(Agent);
        await DisableAsync();
        using var client = WorkloadSocketClient.Connect(WorkloadSocket);

        using var response = await client.GetAsync("v1/svid/x509");

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "attest.agent_disabled");
        await AssertRefusedOnlyAsync("x509");
    }

    [Fact]
    public async Task Invariant6_AgentDisabled_SpiffeWorkloadApi_PermissionDeniedForJwtAndX509Svids()
    {
        await RegisterThisProcessAsync(Agent);
        await DisableAsync();
        using var client = new SpiffeEndpointClient(Broker.Options.Spiffe.EndpointSocket);

        var jwt = await Assert.ThrowsAsync<RpcException>(() => client.FetchJwtSvidAsync(new JWTSVIDRequest { Audience = { "https://ledger.acme.example" } }));
        using var stream = client.FetchX509Svid();
        var x509 = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext(CancellationToken.None));

        // SPIFFE Workload API §6: a caller not entitled to an identity gets PermissionDenied.
        Assert.Equal((StatusCode.PermissionDenied, StatusCode.PermissionDenied), (jwt.StatusCode, x509.StatusCode));
        Assert.Contains("is disabled", jwt.Status.Detail, StringComparison.Ordinal);
        var svids = await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid);
        Assert.All(svids, e => Assert.Equal("refused", e.Outcome));
        Assert.Equal(2, svids.Count);
    }

    [Fact]
    public async Task Invariant6_AgentEnabledAgain_WorkloadEndpointIssuesItsSvidAgain()
    {
        await RegisterThisProcessAsync(Agent);
        await DisableAsync();
        using (var admin = Broker.Admin())
        {
            await admin.EnableAgentAsync(Agent, "fixed");
        }

        using var client = WorkloadSocketClient.Connect(WorkloadSocket);
        using var response = await client.PostAsJsonAsync("v1/svid/jwt", new { audience = Broker.Options.Issuer });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid), e => e.Outcome == "issued");
    }

    private async Task DisableAsync()
    {
        using var admin = Broker.Admin();
        await admin.RevokeAsync("agent", Agent, "incident");
    }

    /// <summary>The one SVID record is the refusal, attributed to the disabled agent; nothing was issued.</summary>
    private async Task AssertRefusedOnlyAsync(string svidType)
    {
        var record = Assert.Single(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
        Assert.Equal(("refused", Agent, svidType), (record.Outcome, record.Agent, record.Evidence["svid_type"]));
    }
}
