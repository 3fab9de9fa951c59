using Duende.IdentityModel.Client;
using Mandate.Server.Tests.Harness;
using Mandate.Server.Tests.Protocol;
using Mandate.Testing;
using static Mandate.Testing.ClientAnswer;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// The human-approval flow as oauth4webapi 3.8.9 and Duende.IdentityModel 8.1 see it: the exchange is answered
/// authorization_pending with an auth_req_id, and the client's own OpenID CIBA poll (§10.1) gets authorization_pending
/// until a human approves, then the credential.
/// </summary>
public sealed class ThirdPartyClientApprovalTests : ThirdPartyClientTest
{
    protected override string Policy => ApprovalTest.ApprovalPolicy;

    protected override string Configuration => ApprovalTest.ApprovalConfiguration;

    [Fact]
    public async Task Oauth4webapi_ExchangeHeldForApproval_PollsWithCibaUntilAHumanApprovesThenGetsTheCredential()
    {
        var asked = await OAuth4WebApiClient.RunAsync(Exchange(authorizationDetails: ApprovalTest.BigRefund));
        Assert.Equal("authorization_pending", Text(asked, "error"));
        var id = Text(asked.GetProperty("body"), "auth_req_id")!;

        var early = await OAuth4WebApiClient.RunAsync(Poll(id));
        using (var admin = Broker.Admin())
        {
            await admin.DecideApprovalAsync(id, approve: true, "admin:carol", "checked the order");
        }

        var collected = await OAuth4WebApiClient.RunAsync(Poll(id));

        Assert.Equal(("ResponseBodyError", "authorization_pending"), (Text(early, "kind"), Text(early, "error")));
        AssertOk(collected);
        Assert.Equal("refunds:write", Text(collected, "scope"));
        Assert.Equal([Refunds], IssuedTokens.Read(Text(collected, "access_token")!).Audiences);
    }

    [Fact]
    public async Task Duende_ExchangeHeldForApproval_PollsWithCibaUntilAHumanApprovesThenGetsTheCredential()
    {
        var tokenEndpoint = Broker.Options.Issuer + "/oauth2/token";
        var exchange = DuendeExchange(tokenEndpoint);
        exchange.Parameters.Add("authorization_details", ApprovalTest.BigRefund);
        var asked = await Http.RequestTokenExchangeTokenAsync(exchange);
        Assert.Equal("authorization_pending", asked.Error);
        var id = asked.Json!.Value.GetProperty("auth_req_id").GetString()!;

        var early = await Http.RequestBackchannelAuthenticationTokenAsync(Poll(tokenEndpoint, id));
        using (var admin = Broker.Admin())
        {
            await admin.DecideApprovalAsync(id, approve: true, "admin:carol", "checked the order");
        }

        var collected = await Http.RequestBackchannelAuthenticationTokenAsync(Poll(tokenEndpoint, id));

        // OpenID CIBA §11: authorization_pending while the human has not answered, as an error response the client reads.
        Assert.Equal((ResponseErrorType.Protocol, "authorization_pending"), (early.ErrorType, early.Error));
        Assert.False(collected.IsError, $"{collected.Error}: {collected.ErrorDescription}");
        Assert.Equal("refunds:write", collected.Scope);
        Assert.Equal([Refunds], IssuedTokens.Read(collected.AccessToken!).Audiences);
    }

    /// <summary>The CIBA poll, the agent authenticating with its workload token as on every token request.</summary>
    private BackchannelAuthenticationTokenRequest Poll(string tokenEndpoint, string id) => new()
    {
        Address = tokenEndpoint,
        ClientId = SupportAgent,
        ClientCredentialStyle = ClientCredentialStyle.PostBody,
        AuthenticationRequestId = id,
        Parameters = { { "actor_token", Broker.Svid(SupportAgent) }, { "actor_token_type", ExchangeRequest.JwtType } },
    };
}
