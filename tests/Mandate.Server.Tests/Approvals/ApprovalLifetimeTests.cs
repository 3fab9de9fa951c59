using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// Invariant 4, short by construction, holds for approved credentials too: requested_lifetime (RFC 8693 §2.1
/// names no lifetime parameter; Mandate's extension) and the run bound them as they bound an immediate credential.
/// </summary>
public sealed class ApprovalLifetimeTests : ApprovalTest
{
    [Fact]
    public async Task Invariant4_ApprovalPoll_RequestedLifetime_IsTheCollectedCredentialsLifetime()
    {
        var id = await AskAsync(Broker.RefundRequest() with { RequestedLifetime = 60 });
        await ApproveAsync(id);

        var credential = Expect.Issued(await PollAsync(id));

        Assert.Equal(TimeSpan.FromSeconds(60), IssuedTokens.Lifetime(credential));
    }

    [Fact]
    public async Task Invariant4_ApprovalRequest_RequestedLifetimeOverTheCap_RefusedBeforeAnyApprovalIsRecorded()
    {
        var form = (Broker.RefundRequest() with { RequestedLifetime = 3600 }).ToForm().Append(new("authorization_details", BigRefund));

        var reply = await Broker.PostFormAsync("oauth2/token", form);

        Expect.Refused(reply, "invalid_request", "requested_lifetime 3600s is longer than");
        Assert.Empty(await Broker.AuditEventsAsync(Mandate.Core.Audit.AuditKinds.ApprovalRequested));
    }

    [Fact]
    public async Task Invariant4_ApprovalPoll_InRun_CredentialNeverOutlivesTheRunToken()
    {
        var runToken = await Broker.StartRunAsync();
        var runTokenExpiry = IssuedTokens.Read(runToken).ValidTo;
        Broker.Clock.Advance(runTokenExpiry - Broker.Now.UtcDateTime - TimeSpan.FromSeconds(30));
        var id = await AskAsync(Broker.InRunRequest(runToken));
        await ApproveAsync(id);

        var credential = Expect.Issued(await PollAsync(id));

        Assert.True(IssuedTokens.Read(credential).ValidTo <= runTokenExpiry, $"credential expires {IssuedTokens.Read(credential).ValidTo:u}, run token {runTokenExpiry:u}");
    }
}
