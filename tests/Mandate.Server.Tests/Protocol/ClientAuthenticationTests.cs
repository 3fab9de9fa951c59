using System.Net;
using System.Text;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// Client authentication at the token endpoint, from RFC 6749 §2.3, §3.2.1 and §5.2: the agent authenticates with its
/// workload identity (actor_token or mutual TLS). A request that tries another method, or names another client, gets
/// invalid_client with 401 and nothing is issued; an Authorization header gets a challenge in its own scheme.
/// </summary>
[Trait("Invariant", "7")]
public sealed class ClientAuthenticationTests : BrokerTest
{
    [Theory]
    [InlineData("Basic bWFuZGF0ZTpzZWNyZXQ=", "Basic")]
    [InlineData("Bearer some-token", "Bearer")]
    [InlineData("DPoP some-token", "DPoP")]
    [InlineData("basic bWFuZGF0ZTpzZWNyZXQ=", "basic")]
    [InlineData("\"Basic\" x", "Bearer")]
    public async Task Token_AuthorizationHeader_Returns401InvalidClientWithItsSchemeAndChangesNothing(string authorization, string scheme)
    {
        var body = Encoding.UTF8.GetBytes(RawRequests.ValidExchangeBody(Broker));

        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.SendAsync(
            Broker, HttpMethod.Post, "oauth2/token", body, "application/x-www-form-urlencoded", authorization: authorization));

        Expect.Refused(reply, "invalid_client", "Authorization header");
        Assert.Equal("client.authentication_unsupported", reply.Member("check_id"));
        Assert.Contains("actor_token", reply.Description, StringComparison.Ordinal);
        Assert.Equal($"{scheme} realm=\"mandate\"", reply.Header("WWW-Authenticate"));
    }

    [Theory]
    [InlineData("client_secret", "s3cret")]
    [InlineData("client_assertion", "eyJhbGciOiJFUzI1NiJ9.e30.c2ln")]
    [InlineData("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")]
    public async Task Token_ClientSecretOrAssertionInTheBody_Returns401InvalidClientAndChangesNothing(string name, string value)
    {
        var body = RawRequests.ValidExchangeBody(Broker) + $"&{name}={Uri.EscapeDataString(value)}";

        var reply = await Broker.AssertAuditUnchangedAsync(() => RawRequests.PostAsync(Broker, "oauth2/token", body));

        Expect.Refused(reply, "invalid_client", name);
        Assert.Equal("client.authentication_unsupported", reply.Member("check_id"));
        Assert.Contains("actor_token", reply.Description, StringComparison.Ordinal);
        Assert.Equal("Bearer error=\"invalid_client\"", reply.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Token_EmptyClientSecret_CountsAsAbsentAndIssues()
    {
        // RFC 6749 §3.2: a parameter sent without a value is treated as omitted.
        var reply = await RawRequests.PostAsync(Broker, "oauth2/token", RawRequests.ValidExchangeBody(Broker) + "&client_secret=");

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
    }

    [Theory]
    [InlineData(TestBroker.SupportAgent)]
    [InlineData("")]
    public async Task Token_ClientIdOfTheAuthenticatedAgentOrEmpty_Issues(string clientId)
    {
        var reply = await RawRequests.PostAsync(Broker, "oauth2/token", RawRequests.ValidExchangeBody(Broker) + "&client_id=" + Uri.EscapeDataString(clientId));

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        Assert.Equal(TestBroker.SupportAgent, IssuedTokens.Read(reply.AccessToken!).GetPayloadValue<string>("client_id"));
    }

    [Theory]
    [InlineData(TestBroker.ExecutorAgent)]
    [InlineData(TestBroker.UnregisteredAgent)]
    [InlineData("spiffe://acme.example/agents/support/")]
    [InlineData("support")]
    public async Task Token_ClientIdNamingAnotherClient_Returns401InvalidClientAndIssuesNothing(string clientId)
    {
        var reply = await RawRequests.PostAsync(Broker, "oauth2/token", RawRequests.ValidExchangeBody(Broker) + "&client_id=" + Uri.EscapeDataString(clientId));

        Expect.Refused(reply, "invalid_client", "client_id names another client");
        Assert.Equal("attest.client_id", reply.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
    }
}
