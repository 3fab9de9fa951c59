using Mandate.Server.Tests.Harness;
using Mandate.Server.Tests.Protocol;
using Mandate.Testing;
using static Mandate.Testing.ClientAnswer;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// The human-approval flow as oauth4webapi 3.8.9 sees it: the exchange is answered authorization_pending with an
/// auth_req_id, and the client's own OpenID CIBA poll (§10.1) gets authorization_pending until a human approves,
/// then the credential.
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
}
