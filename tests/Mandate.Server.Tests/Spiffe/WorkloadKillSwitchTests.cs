using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Mandate.Core.Spiffe;
using Mandate.Server.Tests.Harness;
using Mandate.Server.WorkloadApi.SpiffeEndpoint;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>
/// Invariant 6: the kill switch (<c>mandate agents disable</c>) leaves a disabled agent nothing new, its identity
/// included. An SVID from Mandate's CA would still open every tool that trusts the trust domain's bundle directly.
/// </summary>
[Trait("Invariant", "6")]
public sealed class WorkloadKillSwitchTests : SpiffeBrokerTest
{
    private const string Agent = TestBroker.SupportAgent;
    private const string Audience = "https://ledger.acme.example";

    [Fact]
    public async Task Invariant6_AgentDisabled_WorkloadEndpointJwtSvid_Refused403AndNothingIssued()
    {
        await RegisterThisProcessAsync(Agent);
        await DisableAsync();
        using var client = WorkloadSocketClient.Connect(WorkloadSocket);

        using var response = await client.PostAsJsonAsync("v1/svid/jwt", new { audience = Audience });

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

        var jwt = await Assert.ThrowsAsync<RpcException>(() => client.FetchJwtSvidAsync(new JWTSVIDRequest { Audience = { Audience } }));
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
    public async Task Invariant6_AgentDisabled_OpenX509SvidStreamEndsPermissionDeniedAtOnce()
    {
        await RegisterThisProcessAsync(Agent);
        using var client = new SpiffeEndpointClient(Broker.Options.Spiffe.EndpointSocket);
        using var stream = client.FetchX509Svid();
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));

        await DisableAsync();
        // No clock moves: the renewal (half the 1h X.509-SVID TTL) is far off, so only the kill switch can end the stream.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var ended = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext(bound.Token));

        // SPIFFE Workload API §5.1.1: PermissionDenied tells the client to cease using the SVIDs it was sent.
        Assert.Equal(StatusCode.PermissionDenied, ended.StatusCode);
        Assert.Contains("is disabled", ended.Status.Detail, StringComparison.Ordinal);
        var svids = await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid);
        Assert.Equal(["issued", "refused"], svids.Select(e => e.Outcome).Order(StringComparer.Ordinal));
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

    [Fact]
    public async Task Invariant6_AgentDisabled_ValidateJwtSvidItHeldBefore_InvalidArgumentNamingTheKillSwitchAndRecorded()
    {
        await RegisterThisProcessAsync(Agent);
        using var client = new SpiffeEndpointClient(Broker.Options.Spiffe.EndpointSocket);
        var (svid, jti) = await FetchJwtSvidAsync(client);
        await DisableAsync();

        await AssertValidationRefusedAsync(client, svid, jti, $"agent '{Agent}' is disabled");
    }

    [Fact]
    public async Task Invariant6_AgentEnabledAgain_JwtSvidFromBeforeTheKillSwitchStaysInvalid_ANewOneValidates()
    {
        await RegisterThisProcessAsync(Agent);
        using var client = new SpiffeEndpointClient(Broker.Options.Spiffe.EndpointSocket);
        var (before, jti) = await FetchJwtSvidAsync(client);
        await DisableAsync();
        // iat has whole seconds: one issued in the kill switch's second cannot be told from one issued before it.
        Broker.Clock.Advance(TimeSpan.FromSeconds(2));
        using (var admin = Broker.Admin())
        {
            await admin.EnableAgentAsync(Agent, "fixed");
        }

        await AssertValidationRefusedAsync(client, before, jti, "issued before agent");
        var (after, _) = await FetchJwtSvidAsync(client);

        Assert.Equal(Agent, (await client.ValidateJwtSvidAsync(Audience, after)).SpiffeId);
    }

    [Fact]
    public async Task Invariant6_JwtSvidRevokedByItsJti_ValidateJwtSvidRefusesItAlone()
    {
        await RegisterThisProcessAsync(Agent);
        using var client = new SpiffeEndpointClient(Broker.Options.Spiffe.EndpointSocket);
        var (revoked, jti) = await FetchJwtSvidAsync(client);
        var (other, _) = await FetchJwtSvidAsync(client);
        using (var admin = Broker.Admin())
        {
            var revocation = await admin.RevokeAsync("token", jti, "leaked");
            // The broker knows the jti it issued (no "check the jti" note for an SVID's).
            Assert.True(revocation.GetProperty("issued").GetBoolean());
        }

        await AssertValidationRefusedAsync(client, revoked, jti, "the SVID was revoked");
        Assert.Equal(Agent, (await client.ValidateJwtSvidAsync(Audience, other)).SpiffeId);
    }

    private static async Task<(string Svid, string Jti)> FetchJwtSvidAsync(SpiffeEndpointClient client)
    {
        var svid = (await client.FetchJwtSvidAsync(new JWTSVIDRequest { Audience = { Audience } })).Svids[0].Svid;
        return (svid, new JsonWebToken(svid).Id);
    }

    /// <summary>
    /// ValidateJWTSVID refuses <paramref name="svid"/> with a detail holding <paramref name="detail"/>, and that refusal is
    /// the one recorded, with the SVID's agent and jti.
    /// </summary>
    private async Task AssertValidationRefusedAsync(SpiffeEndpointClient client, string svid, string jti, string detail)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.ValidateJwtSvidAsync(Audience, svid));
        // SPIFFE Workload API §6.2.3: the server validates on the client's behalf; an SVID that does not validate is
        // InvalidArgument like every other (PermissionDenied, Workload Endpoint §6, is for a caller without an identity).
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains(detail, refused.Status.Detail, StringComparison.Ordinal);
        var record = Assert.Single(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid), e => e.Outcome == "refused");
        Assert.Equal(("validate", Agent, jti, Audience), (record.Evidence["operation"], record.Agent, record.Jti, record.Evidence["audience"]));
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
