using System.Text.Json;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using static Mandate.Testing.ClientAnswer;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Protocol;

/// <summary>
/// oauth4webapi 3.8.9, a strict standards-only OAuth 2.0 client written without Mandate in mind, against a broker at
/// its own issuer address: it discovers the token, introspection and revocation endpoints from the RFC 8414 metadata,
/// exchanges (RFC 8693) as a public client naming its agent, binds the credential with DPoP (RFC 9449), validates the
/// credential as an RFC 9068 access token the way a resource server would, and reads each refusal as the error response
/// or the WWW-Authenticate challenge the RFCs define.
/// </summary>
public sealed class ThirdPartyClientTests : ThirdPartyClientTest
{
    [Fact]
    public async Task Oauth4webapi_DiscoversTheBrokerAndExchangesAsAPublicClientNamingItsAgent()
    {
        var answer = await OAuth4WebApiClient.RunAsync(Exchange());

        AssertOk(answer);
        Assert.Equal("bearer", Text(answer, "token_type"), ignoreCase: true);
        Assert.Equal("urn:ietf:params:oauth:token-type:access_token", Text(answer, "issued_token_type"));
        Assert.Equal("refunds:write", Text(answer, "scope"));
        Assert.InRange(answer.GetProperty("expires_in").GetInt32(), 1, (int)SupportMaxLifetime.TotalSeconds);
        var token = IssuedTokens.Read(Text(answer, "access_token")!);
        Assert.Equal([Refunds], token.Audiences);
        Assert.Equal(SupportAgent, token.GetPayloadValue<string>("client_id"));
    }

    [Fact]
    public async Task Oauth4webapi_ValidatesTheIssuedCredentialAsAnRfc9068AccessTokenWithTheDiscoveredKeys()
    {
        var token = Text(await OAuth4WebApiClient.RunAsync(Exchange()), "access_token")!;

        var answer = await OAuth4WebApiClient.RunAsync(new { op = "validate", issuer = Broker.Options.Issuer, token, audience = Refunds });

        AssertOk(answer);
        var claims = answer.GetProperty("claims");
        Assert.Equal(("alice", SupportAgent, Broker.Options.Issuer), (Text(claims, "sub"), Text(claims, "client_id"), Text(claims, "iss")));
    }

    [Fact]
    public async Task Oauth4webapi_CredentialValidatedForAnotherAudience_IsRefused()
    {
        var token = Text(await OAuth4WebApiClient.RunAsync(Exchange()), "access_token")!;

        var answer = await OAuth4WebApiClient.RunAsync(new { op = "validate", issuer = Broker.Options.Issuer, token, audience = Crm });

        Assert.False(answer.GetProperty("ok").GetBoolean(), answer.ToString());
        Assert.Equal("OperationProcessingError", Text(answer, "kind"));
        Assert.Contains("aud", Text(answer, "message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oauth4webapi_DpopExchange_GetsACredentialBoundToItsKey()
    {
        var answer = await OAuth4WebApiClient.RunAsync(Exchange(dpop: true));

        AssertOk(answer);
        Assert.Equal("dpop", Text(answer, "token_type"), ignoreCase: true);
        var confirmation = IssuedTokens.Read(Text(answer, "access_token")!).GetPayloadValue<JsonElement>("cnf");
        Assert.Equal(43, confirmation.GetProperty("jkt").GetString()!.Length);
    }

    [Fact]
    public async Task Oauth4webapi_ScopeTheToolDoesNotDefine_IsAnErrorResponseItReads()
    {
        var answer = await OAuth4WebApiClient.RunAsync(Exchange(scope: "refunds:everything"));

        Assert.Equal("ResponseBodyError", Text(answer, "kind"));
        Assert.Equal("400", Text(answer, "status"));
        Assert.Equal("invalid_scope", Text(answer, "error"));
        Assert.Contains("refunds:everything", Text(answer, "error_description"), StringComparison.Ordinal);
        await Broker.AssertNothingIssuedAsync();
    }

    [Theory]
    [InlineData("basic", SupportAgent, "basic", "realm", "mandate")]
    [InlineData("none", ResearchAgent, "bearer", "error", "invalid_client")]
    public async Task Oauth4webapi_ClientAuthenticationTheBrokerRefuses_IsAChallengeItParses(string auth, string clientId, string scheme, string parameter, string value)
    {
        var answer = await OAuth4WebApiClient.RunAsync(Exchange(auth: auth, clientId: clientId));

        Assert.Equal("WWWAuthenticateChallengeError", Text(answer, "kind"));
        Assert.Equal("401", Text(answer, "status"));
        var challenge = Assert.Single(answer.GetProperty("challenges").EnumerateArray());
        Assert.Equal(scheme, Text(challenge, "scheme"));
        Assert.Equal(value, Text(challenge.GetProperty("parameters"), parameter));
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Oauth4webapi_IntrospectsAsTheToolAndRevokesAsTheHolder_ThenTheCredentialIsInactive()
    {
        var token = Text(await OAuth4WebApiClient.RunAsync(Exchange()), "access_token")!;

        var active = await OAuth4WebApiClient.RunAsync(Call("introspect", RefundsWorkload, token));
        var revoked = await OAuth4WebApiClient.RunAsync(Call("revoke", SupportAgent, token));
        var inactive = await OAuth4WebApiClient.RunAsync(Call("introspect", RefundsWorkload, token));

        AssertOk(active);
        Assert.True(active.GetProperty("active").GetBoolean(), active.ToString());
        Assert.Equal("alice", Text(active, "sub"));
        AssertOk(revoked);
        AssertOk(inactive);
        Assert.False(inactive.GetProperty("active").GetBoolean(), inactive.ToString());
    }
}
