using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Mandate.Core.Keys;
using Mandate.Core.Spiffe;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>JWT-SVIDs from the workload endpoint at Mandate's own token endpoint, and the boundaries between the sockets.</summary>
public sealed class WorkloadEndpointTests : SpiffeBrokerTest
{
    private const string Agent = TestBroker.SupportAgent;

    [Fact]
    public async Task JwtSvid_FromTheWorkloadEndpoint_IsAcceptedAsActorTokenForARegisteredAgent()
    {
        await RegisterThisProcessAsync(Agent);

        var svid = await JwtSvidAsync(Broker.Options.Issuer);
        var token = await Broker.IssueAsync(Broker.RefundRequest() with { ActorToken = svid });

        Assert.False(string.IsNullOrEmpty(token));
        // The credential's audit record names Mandate's own SPIFFE issuer as the evidence for the agent.
        var issuance = Assert.Single(await Broker.AuditEventsAsync("issuance"), e => e.Agent == Agent && e.Evidence.ContainsKey("actor_issuer"));
        Assert.Equal(Broker.Runtime.Spiffe!.JwtIssuer, issuance.Evidence["actor_issuer"]);
        var issued = Assert.Single(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
        Assert.Equal("jwt", issued.Evidence["svid_type"]);
        Assert.Equal(Broker.Options.Issuer, issued.Evidence["audience"]);
    }

    [Fact]
    public async Task JwtSvid_ForAnotherAudience_IsRefusedAtTheTokenEndpoint()
    {
        await RegisterThisProcessAsync(Agent);

        var svid = await JwtSvidAsync("https://elsewhere.example");
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = svid });

        Expect.Refused(reply, "invalid_request", "not addressed to Mandate");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task JwtSvid_ForAnUnregisteredAgent_IsRefusedAtTheTokenEndpoint()
    {
        await RegisterThisProcessAsync(TestBroker.UnregisteredAgent);

        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { ActorToken = await JwtSvidAsync(Broker.Options.Issuer) });

        Expect.Refused(reply, "invalid_request", "not a registered agent");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"audience\": \"\"}")]
    [InlineData("{\"audience\": 5}")]
    [InlineData("not json")]
    [InlineData("{\"Audience\": \"http://127.0.0.1\"}")]
    [InlineData("{\"audience\": \"http://127.0.0.1\", \"ttl\": 3600}")]
    [InlineData("{\"audience\": \"http://a.example\", \"audience\": \"http://127.0.0.1\"}")]
    [InlineData("[\"http://127.0.0.1\"]")]
    [InlineData("{\"audience\": \"http://127.0.0.1\", \"\\ud800\": 1}")]
    [InlineData("{\"audience\": \"http://127.0.0.1\\ud800\"}")]
    public async Task JwtSvid_BodyOtherThanOneStringAudience_Returns400AndIssuesNothing(string body)
    {
        await RegisterThisProcessAsync(Agent);
        using var client = WorkloadSocketClient.Connect(WorkloadSocket);

        using var response = await client.PostAsync("v1/svid/jwt", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("audience is required", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
    }

    [Fact]
    public async Task JwtSvid_UnmatchedCaller_Gets403AndNoToken()
    {
        var uid = await ChildProcess.CurrentUidAsync();
        using var admin = Broker.Admin();
        await admin.CreateEntryAsync(Agent, [$"unix:uid:{uid + 1}"], null, null);
        using var client = WorkloadSocketClient.Connect(WorkloadSocket);

        using var response = await client.PostAsJsonAsync("v1/svid/jwt", new { audience = Broker.Options.Issuer });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("token", (await response.Content.ReadAsStringAsync()).Replace("no SVID", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal("refused", Assert.Single(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid)).Outcome);
    }

    [Fact]
    public async Task AdminApi_OnTheWorkloadSocket_IsNotFoundEvenWithTheAdminHost()
    {
        using var client = WorkloadSocketClient.Connect(WorkloadSocket, "mandate-admin");

        using var status = await client.GetAsync("admin/status");
        using var revoke = await client.PostAsJsonAsync("admin/revocations", new { target = "agent", value = Agent });
        using var entry = await client.PostAsJsonAsync("admin/entries", new { spiffe_id = Agent, selector = "unix:uid:0" });

        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, entry.StatusCode);
        Assert.Empty(await Broker.Runtime.Store.ListRevocationsAsync(Broker.Now, CancellationToken.None));
        Assert.Empty(await Broker.Runtime.Store.ListRegistrationEntriesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task WorkloadApi_OverTcpOrTheAdminSocket_IsNotFound()
    {
        await RegisterThisProcessAsync(Agent);

        using var tcp = await Broker.Http.GetAsync("v1/svid/x509");
        var adminSocket = await AdminSocket.GetAsync(Broker, "v1/svid/x509");

        Assert.Equal(HttpStatusCode.NotFound, tcp.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, adminSocket.Status);
        Assert.Empty(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
    }

    [Fact]
    public async Task BundleEndpoint_ServesTheSpiffeBundleAndMetadataAdvertisesIt()
    {
        using var bundle = await Broker.Http.GetAsync(".well-known/spiffe-bundle");
        using var local = WorkloadSocketClient.Connect(WorkloadSocket);
        var fromSocket = await local.GetStringAsync("v1/bundle");
        using var metadata = JsonDocument.Parse(await Broker.Http.GetStringAsync(".well-known/oauth-authorization-server"));

        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        var json = await bundle.Content.ReadAsStringAsync();
        Assert.Equal(json, fromSocket);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(["jwt-svid", "x509-svid"], doc.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("use").GetString()).Order());
        Assert.True(doc.RootElement.TryGetProperty("spiffe_sequence", out _));
        Assert.Equal(Broker.Options.Issuer + "/.well-known/spiffe-bundle", metadata.RootElement.GetProperty("spiffe_bundle_endpoint").GetString());
    }

    [Fact]
    public async Task Rfc9110_HeadOfTheLocalBundle_SameStatusAndTypeAsGetWithoutBody()
    {
        using var local = WorkloadSocketClient.Connect(WorkloadSocket);

        using var get = await local.GetAsync("v1/bundle");
        using var head = await local.SendAsync(new HttpRequestMessage(HttpMethod.Head, "v1/bundle"));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("application/json", head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Restart_KeepsTheSameCaSoIssuedSvidsStayTrusted()
    {
        var before = Broker.Runtime.Spiffe!.CaCertificate.RawData;

        await Broker.RestartAsync();

        Assert.Equal(before, Broker.Runtime.Spiffe!.CaCertificate.RawData);
        Assert.Single(await Broker.Runtime.Store.ListKeysAsync(KeyPurposes.SpiffeCa, CancellationToken.None));
    }

    [Fact]
    public async Task JwtKeyRotation_OldSvidStillVerifiesNewOnesUseTheNewKidAndBothAreInTheBundle()
    {
        await RegisterThisProcessAsync(Agent);
        Broker.Clock.Advance(TestBroker.RotateEvery);
        await Broker.Runtime.Spiffe!.RefreshAsync(CancellationToken.None);
        Broker.Clock.Advance(TestBroker.PublishAhead - TimeSpan.FromMinutes(1));
        var before = await JwtSvidAsync(Broker.Options.Issuer);
        var oldKid = Broker.Runtime.Spiffe.Current.JwtActive.Kid;

        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        await Broker.Runtime.Spiffe.RefreshAsync(CancellationToken.None);
        var after = await JwtSvidAsync(Broker.Options.Issuer);

        Assert.NotEqual(oldKid, Broker.Runtime.Spiffe.Current.JwtActive.Kid);
        Assert.Equal(Broker.Runtime.Spiffe.Current.JwtActive.Kid, new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(after).Kid);
        using var bundle = JsonDocument.Parse(await Broker.Http.GetStringAsync(".well-known/spiffe-bundle"));
        Assert.Equal(2, bundle.RootElement.GetProperty("keys").EnumerateArray().Count(k => k.GetProperty("use").GetString() == "jwt-svid"));
        await Broker.IssueAsync(Broker.RefundRequest() with { ActorToken = before });
        await Broker.IssueAsync(Broker.RefundRequest() with { ActorToken = after });
    }

    private async Task<string> JwtSvidAsync(string audience)
    {
        using var client = WorkloadSocketClient.Connect(WorkloadSocket);
        using var response = await client.PostAsJsonAsync("v1/svid/jwt", new { audience });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("token").GetString()!;
    }
}
