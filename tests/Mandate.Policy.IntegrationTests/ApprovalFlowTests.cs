using System.Text.Json;
using Mandate.Core;
using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Policy.IntegrationTests;

public sealed class ApprovalFlowTests
{
    private static readonly (string, string) BigRefund = ("authorization_details", """[{"type":"refund","amount":250,"currency":"EUR"}]""");

    [Fact]
    public async Task Small_refund_is_issued_with_its_authorization_details_in_the_token()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.Approvals);

        var (status, body) = await broker.ExchangeAsync(("authorization_details", """[{"type":"refund","amount":40,"currency":"EUR"}]"""));

        Assert.Equal(200, status);
        var token = new JsonWebToken(body.GetProperty("access_token").GetString());
        var details = token.GetPayloadValue<JsonElement>("authorization_details");
        Assert.Equal(40, details[0].GetProperty("amount").GetInt32());
    }

    [Fact]
    public async Task Big_refund_is_pending_then_approved_then_issued_once_with_the_approver()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.Approvals);

        var (status, pending) = await broker.ExchangeAsync(BigRefund);
        Assert.Equal(400, status);
        Assert.Equal("authorization_pending", pending.GetProperty("error").GetString());
        Assert.Contains("250", pending.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.Equal(600, pending.GetProperty("expires_in").GetInt32());
        Assert.Equal(5, pending.GetProperty("interval").GetInt32());
        var id = pending.GetProperty("auth_req_id").GetString()!;

        Assert.Equal("authorization_pending", (await broker.PollAsync(id)).Body.GetProperty("error").GetString());
        Assert.Equal("slow_down", (await broker.PollAsync(id)).Body.GetProperty("error").GetString());

        var (_, error) = await broker.Get<ApprovalService>().DecideAsync(id, approve: true, "admin:carol", "checked the order", CancellationToken.None);
        Assert.Null(error);
        broker.Time.Advance(TimeSpan.FromSeconds(6));

        var (issuedStatus, issued) = await broker.PollAsync(id);
        Assert.Equal(200, issuedStatus);
        var token = new JsonWebToken(issued.GetProperty("access_token").GetString());
        var approval = token.GetPayloadValue<JsonElement>("approval");
        Assert.Equal(id, approval.GetProperty("id").GetString());
        Assert.Equal("admin:carol", approval.GetProperty("approver").GetString());
        Assert.Equal(250, token.GetPayloadValue<JsonElement>("authorization_details")[0].GetProperty("amount").GetInt32());

        var (againStatus, again) = await broker.PollAsync(id);
        Assert.Equal(400, againStatus);
        Assert.Equal("invalid_grant", again.GetProperty("error").GetString());

        var issuance = await ReadAsync(broker, new AuditQuery { Jti = token.Id });
        Assert.Contains(issuance, r => r.Contains("\"approver\":\"admin:carol\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Denied_approval_answers_access_denied_with_the_reason()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.Approvals);
        var id = (await broker.ExchangeAsync(BigRefund)).Body.GetProperty("auth_req_id").GetString()!;

        await broker.Get<ApprovalService>().DecideAsync(id, approve: false, "admin:carol", "customer already refunded", CancellationToken.None);
        var (status, body) = await broker.PollAsync(id);

        Assert.Equal(400, status);
        Assert.Equal("access_denied", body.GetProperty("error").GetString());
        Assert.Contains("customer already refunded", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unanswered_approval_expires_and_cannot_be_approved_afterwards()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.Approvals);
        var id = (await broker.ExchangeAsync(BigRefund)).Body.GetProperty("auth_req_id").GetString()!;

        broker.Time.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal("expired_token", (await broker.PollAsync(id)).Body.GetProperty("error").GetString());
        var (_, error) = await broker.Get<ApprovalService>().DecideAsync(id, approve: true, "admin:carol", null, CancellationToken.None);
        Assert.Contains("expired", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_approved_request_not_collected_in_time_expires()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.Approvals);
        var id = (await broker.ExchangeAsync(BigRefund)).Body.GetProperty("auth_req_id").GetString()!;
        await broker.Get<ApprovalService>().DecideAsync(id, approve: true, "admin:carol", null, CancellationToken.None);

        broker.Time.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal("expired_token", (await broker.PollAsync(id)).Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_different_amount_cannot_use_the_approval()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.Approvals);
        var first = (await broker.ExchangeAsync(BigRefund)).Body.GetProperty("auth_req_id").GetString()!;
        await broker.Get<ApprovalService>().DecideAsync(first, approve: true, "admin:carol", null, CancellationToken.None);

        // Polling the approval while presenting other details is refused...
        var (status, body) = await broker.PollAsync(first, PolicyBroker.Support, ("authorization_details", """[{"type":"refund","amount":9000,"currency":"EUR"}]"""));
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Equal(400, status);

        // ...and asking again for another amount makes a new pending approval with another binding.
        var second = (await broker.ExchangeAsync(("authorization_details", """[{"type":"refund","amount":9000,"currency":"EUR"}]"""))).Body;
        Assert.Equal("authorization_pending", second.GetProperty("error").GetString());
        var store = broker.Get<IMandateStore>();
        var a = await store.GetApprovalAsync(first, CancellationToken.None);
        var b = await store.GetApprovalAsync(second.GetProperty("auth_req_id").GetString()!, CancellationToken.None);
        Assert.NotEqual(a!.BindingHash, b!.BindingHash);
        Assert.Equal(ApprovalStatus.Pending, b.Status);
    }

    [Fact]
    public async Task Another_agent_cannot_poll_the_approval()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.Approvals);
        var id = (await broker.ExchangeAsync(BigRefund)).Body.GetProperty("auth_req_id").GetString()!;
        await broker.Get<ApprovalService>().DecideAsync(id, approve: true, "admin:carol", null, CancellationToken.None);

        var (_, body) = await broker.PollAsync(id, PolicyBroker.Other);

        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Equal(200, (await broker.PollAsync(id)).Status);
    }

    private static async Task<List<string>> ReadAsync(PolicyBroker broker, AuditQuery query)
    {
        var records = new List<string>();
        await foreach (var r in broker.Get<IMandateStore>().ReadAuditAsync(query, CancellationToken.None))
        {
            records.Add(r.Payload);
        }

        return records;
    }
}
