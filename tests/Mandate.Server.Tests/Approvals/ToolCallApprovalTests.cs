using System.Text.Json;
using Mandate.Core.Approvals;
using Mandate.Core.Introspection;
using Mandate.Core.Mcp;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Approvals;

/// <summary>
/// Approvals of MCP tool calls in the running broker: the composition root provides the call policy, humans list and
/// approve them with the same admin API as every approval, and the CIBA poll never turns one into a credential.
/// Rules with mcp: grant no credential either.
/// </summary>
public sealed class ToolCallApprovalTests : ApprovalTest
{
    protected override string Policy => ApprovalPolicy + "\n" + """
          - id: mcp-refunds-need-approval
            reason: Every refund call through the gateway needs a human.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            mcp: { tools: [refund] }
          - id: mcp-crm-everything
            reason: Support may call every CRM tool through the gateway.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [crm]
            mcp: { tools: ['*'] }
        """;

    private IMcpCallPolicy CallPolicy => Broker.App.App.Services.GetRequiredService<IMcpCallPolicy>();

    private IssuedToken Caller => new()
    {
        Jti = "jti_gateway", Agent = SupportAgent, Subject = "alice", Audience = Refunds, Scope = "refunds:write", Tenant = "acme", Run = "run_gateway",
        PolicyVersion = "sha256:00", DecisionId = "dec_gateway", Kid = "k", IssuedAt = Broker.Now, ExpiresAt = Broker.Now.AddMinutes(3),
    };

    private static McpToolCall Refund => new("refunds", "refund", JsonDocument.Parse("""{"amount":250}""").RootElement.Clone());

    [Fact]
    public async Task ToolCallApproval_ListedAndApprovedByAdmin_IsUsedOnceByTheCall_NeverByThePoll()
    {
        var pending = await CallPolicy.DecideAsync(Caller, Refund, CancellationToken.None);
        Assert.Equal(McpCallVerdict.ApprovalPending, pending.Verdict);

        using (var admin = Broker.Admin())
        {
            var listed = Assert.Single((await admin.ListApprovalsAsync("pending")).EnumerateArray());
            Assert.Equal(pending.ApprovalId, listed.GetProperty("id").GetString());
            Assert.Contains("MCP tool 'refund'", listed.GetProperty("binding_message").GetString(), StringComparison.Ordinal);
        }

        await ApproveAsync(pending.ApprovalId!);

        Expect.Refused(await PollAsync(pending.ApprovalId!), "invalid_grant", "approves one MCP tool call");
        var allowed = await CallPolicy.DecideAsync(Caller, Refund, CancellationToken.None);
        var again = await CallPolicy.DecideAsync(Caller, Refund, CancellationToken.None);

        Assert.Equal((McpCallVerdict.Allowed, pending.ApprovalId), (allowed.Verdict, allowed.ApprovalId));
        Assert.Equal(McpCallVerdict.ApprovalPending, again.Verdict);
        Assert.Equal(ApprovalStatus.Consumed, (await Broker.Runtime.Store.GetApprovalAsync(pending.ApprovalId!, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Exchange_ToolWithOnlyAnMcpAllowRule_IsRefusedByDefault()
    {
        var reply = await Broker.ExchangeAsync(Broker.RefundRequest() with { Resource = Crm, Scope = "crm:read" });

        Expect.Refused(reply, "invalid_target", "no policy rule allows this request");
    }
}
