using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Introspection;

/// <summary>RFC 7662 for tools: only the credential's own tool learns it is active, and every answer is recorded.</summary>
public sealed class IntrospectionTests : BrokerTest
{
    [Fact]
    public async Task Introspect_ToolChecksActiveCredential_ReturnsActiveWithClaims()
    {
        var token = await Broker.IssueAsync(Broker.RefundRequest() with { Run = "run_intro" });
        var jwt = IssuedTokens.Read(token);

        var reply = await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload));

        Assert.True(IntrospectionReply.Active(reply));
        var claims = reply.Json;
        Assert.Equal("refunds:write", claims.GetProperty("scope").GetString());
        Assert.Equal(SupportAgent, claims.GetProperty("client_id").GetString());
        Assert.Equal("Bearer", claims.GetProperty("token_type").GetString());
        Assert.Equal(jwt.GetPayloadValue<long>("exp"), claims.GetProperty("exp").GetInt64());
        Assert.Equal(jwt.GetPayloadValue<long>("iat"), claims.GetProperty("iat").GetInt64());
        Assert.Equal("alice", claims.GetProperty("sub").GetString());
        Assert.Equal(Refunds, claims.GetProperty("aud").GetString());
        Assert.Equal(jwt.Id, claims.GetProperty("jti").GetString());
        Assert.Equal(SupportAgent, claims.GetProperty("act").GetProperty("sub").GetString());
        Assert.Equal("acme", claims.GetProperty("tenant").GetString());
        Assert.Equal("run_intro", claims.GetProperty("run").GetString());
        Assert.Equal(jwt.GetPayloadValue<string>("pol"), claims.GetProperty("pol").GetString());
        Assert.Equal(jwt.GetPayloadValue<string>("dec"), claims.GetProperty("dec").GetString());
        Assert.Equal("no-store", reply.Header("Cache-Control"));
    }

    [Fact]
    public async Task Introspect_ToolChecksActiveCredential_RecordsAcceptanceNamingTheTool()
    {
        var token = await Broker.IssueAsync();

        await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload));

        var record = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Introspection));
        Assert.Equal("accepted", record.Outcome);
        Assert.Equal("refunds", record.Tool);
        Assert.Equal(RefundsWorkload, record.Evidence["by"]);
        Assert.Equal(WorkloadIssuer, record.Evidence["by_issuer"]);
        Assert.Equal(IssuedTokens.Read(token).Id, record.Jti);
    }

    [Fact]
    public async Task Introspect_AnotherToolsWorkload_ReturnsInactiveAndRecordsRejection()
    {
        var token = await Broker.IssueAsync();

        var reply = await Broker.IntrospectAsync(token, Broker.Svid(CrmWorkload));

        IntrospectionReply.AssertInactive(reply);
        var record = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Introspection));
        Assert.Equal("rejected", record.Outcome);
        Assert.Equal(CrmWorkload, record.Evidence["by"]);
        Assert.Contains("not a workload of the token's tool", record.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Introspect_TheAgentHoldingTheCredential_ReturnsInactive()
    {
        var token = await Broker.IssueAsync();

        var reply = await Broker.IntrospectAsync(token, Broker.Svid(SupportAgent));

        IntrospectionReply.AssertInactive(reply);
    }

    [Theory]
    [InlineData("oauth2/introspect")]
    [InlineData("oauth2/revoke")]
    public async Task WorkloadEndpoint_BasicCredentials_Returns401ChallengingBasicThenBearer(string path)
    {
        var token = await Broker.IssueAsync();
        var body = System.Text.Encoding.UTF8.GetBytes("token=" + token);

        var reply = await RawRequests.SendAsync(Broker, HttpMethod.Post, path, body, "application/x-www-form-urlencoded", authorization: "Basic cmVmdW5kczpzZWNyZXQ=");

        Expect.Refused(reply, "invalid_client", "Authorization: Bearer");
        Assert.Equal("Basic realm=\"mandate\", Bearer", reply.Header("WWW-Authenticate"));
        Assert.True(IntrospectionReply.Active(await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload))));
    }

    [Fact]
    public async Task Introspect_NoBearer_Returns401InvalidClient_ChallengeWithoutErrorCode()
    {
        var token = await Broker.IssueAsync();

        var reply = await Broker.PostFormAsync("oauth2/introspect", [new("token", token)]);

        // RFC 7662 §2.3 → RFC 6750 §3.1: a request without any authentication gets a challenge without an error code.
        Expect.Refused(reply, "invalid_client", "Authorization: Bearer");
        Assert.Equal("Bearer", reply.Header("WWW-Authenticate"));
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.Introspection));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("user token")]
    [InlineData("expired workload token")]
    public async Task Introspect_BearerThatIsNotAValidWorkloadIdentity_Returns401InvalidClient_ChallengeInvalidToken(string bearer)
    {
        var token = await Broker.IssueAsync();
        var caller = bearer switch
        {
            "garbage" => "not-a-jwt",
            "user token" => Broker.UserToken(),
            _ => HostileTokens.Create(TokenDefect.Expired, Broker.WorkloadKey, Broker.WorkloadClaims(RefundsWorkload), Broker.Now),
        };

        var reply = await Broker.IntrospectAsync(token, caller);

        // RFC 7662 §2.3: a bearer that does not authorize the call is answered as RFC 6750 §3 says.
        Expect.Refused(reply, "invalid_client", "the bearer workload token");
        Assert.Equal("Bearer error=\"invalid_token\"", reply.Header("WWW-Authenticate"));
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.Introspection));
    }

    [Fact]
    public async Task Introspect_CredentialPastItsExpiry_ReturnsInactive()
    {
        var token = await Broker.IssueAsync();
        Broker.Clock.Advance(SupportMaxLifetime - TimeSpan.FromSeconds(1));
        var beforeExpiry = await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload));

        Broker.Clock.Advance(TimeSpan.FromSeconds(1));
        var atExpiry = await Broker.IntrospectAsync(token, Broker.Svid(RefundsWorkload));

        Assert.True(IntrospectionReply.Active(beforeExpiry));
        IntrospectionReply.AssertInactive(atExpiry);
        Assert.Equal("expired", (await Broker.AuditEventsAsync(AuditKinds.Introspection))[^1].Reason);
    }

    [Fact]
    public async Task Introspect_TokenTheBrokerDidNotIssue_ReturnsInactive()
    {
        // An at+jwt with every claim right, signed by someone else's key under the broker's own kid.
        var genuine = IssuedTokens.Read(await Broker.IssueAsync());
        using var attacker = IssuerKey.Attacker(Issuer);
        var claims = JsonSerializer.Deserialize<Dictionary<string, object>>(Base64Url.DecodeFromChars(genuine.EncodedPayload))!;
        var forged = attacker.Sign(claims, new Dictionary<string, object> { ["typ"] = "at+jwt", ["kid"] = genuine.Kid });

        var reply = await Broker.IntrospectAsync(forged, Broker.Svid(RefundsWorkload));

        IntrospectionReply.AssertInactive(reply);
    }

    [Fact]
    public async Task Introspect_NoTokenParameter_ReturnsInvalidRequest()
    {
        var reply = await Broker.PostFormAsync("oauth2/introspect", [], Broker.Svid(RefundsWorkload));

        Expect.Refused(reply, "invalid_request", "token is required");
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
    }
}
