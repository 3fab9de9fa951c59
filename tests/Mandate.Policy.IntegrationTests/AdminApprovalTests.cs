using System.Text.Json;
using Mandate.Client;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Mandate.Policy.IntegrationTests;

public sealed class AdminApprovalTests
{
    [Fact]
    public async Task Approvals_are_listed_and_approved_over_the_admin_socket()
    {
        await using var broker = await PolicyBroker.StartAsync(PolicyTexts.Approvals, adminSocket: true);
        var id = (await broker.ExchangeAsync(("authorization_details", """[{"type":"refund","amount":500,"currency":"EUR"}]"""))).Body.GetProperty("auth_req_id").GetString()!;
        using var admin = new MandateAdminClient(broker.Options.AdminSocket);

        var pending = await admin.ListApprovalsAsync("pending");
        var listed = Assert.Single(pending.EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Contains("500", listed.GetProperty("binding_message").GetString(), StringComparison.Ordinal);

        var approved = await admin.DecideApprovalAsync(id, approve: true, "admin:dave", "ticket 42");
        Assert.Equal("approved", approved.GetProperty("status").GetString());
        await Assert.ThrowsAsync<MandateErrorException>(() => admin.DecideApprovalAsync(id, approve: false, "admin:eve", null));

        var (status, body) = await broker.PollAsync(id);
        Assert.Equal(200, status);
        var approval = new JsonWebToken(body.GetProperty("access_token").GetString()).GetPayloadValue<JsonElement>("approval");
        Assert.Equal("admin:dave", approval.GetProperty("approver").GetString());
        Assert.Empty((await admin.ListApprovalsAsync("pending")).EnumerateArray());
    }
}
