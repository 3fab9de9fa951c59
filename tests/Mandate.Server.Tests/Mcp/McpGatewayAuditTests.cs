using Mandate.Core.Audit;
using Mandate.Core.Runs;

namespace Mandate.Server.Tests.Mcp;

/// <summary>Each tools/call through the gateway is one mcp_call record, and the run's trace shows it under the credential.</summary>
public sealed class McpGatewayAuditTests : McpGatewayTest
{
    [Fact]
    public async Task AllowedCall_IsOneRecordWithWhoWhatDecisionAndUpstreamStatus()
    {
        var credential = await Gateway.CredentialAsync();
        await using var client = await ConnectAsync(credential);

        await client.CallToolAsync("refund", new Dictionary<string, object?> { ["orderId"] = "o-7", ["amount"] = 50 });

        var record = Assert.Single(await McpCallRecordsAsync());
        Assert.Equal("allowed", record.Outcome);
        Assert.Equal("spiffe://acme.example/agents/support", record.Agent);
        Assert.Equal(McpTokens.Claim(credential, "run"), record.Run);
        Assert.Equal("acme", record.Tenant);
        Assert.Equal(McpTokens.Claim(credential, "sub"), record.User);
        Assert.Equal(McpGatewayHarness.Payments, record.Tool);
        Assert.Equal(McpTokens.Claim(credential, "jti"), record.Jti);
        Assert.Equal("mcp-small-refunds", record.Rule);
        Assert.Equal(Gateway.Broker.Runtime.Policy.Current.Version, record.PolicyVersion);
        Assert.Equal("refund", record.Evidence["mcp_tool"]);
        Assert.Equal("200", record.Evidence["upstream_status"]);
        Assert.Matches("^[0-9a-f]{64}$", record.Evidence["arguments_sha256"]);
        Assert.True(record.Evidence.ContainsKey("duration_ms"));
        Assert.True(record.Evidence.ContainsKey("upstream_jti"));
        // The rule did not opt in: the arguments themselves are not recorded.
        Assert.False(record.Evidence.ContainsKey("arguments"));
        var table = await Gateway.Broker.AuditTableTextAsync();
        Assert.True(!table.Contains("o-7", StringComparison.Ordinal), table);
    }

    [Fact]
    public async Task SseResult_ReachesTheClientOnlyAfterItsRecordIsDurable()
    {
        await using var client = await ConnectAsync(await Gateway.CredentialAsync());

        for (var i = 1; i <= 5; i++)
        {
            await client.CallToolAsync("lookup_order", new Dictionary<string, object?> { ["orderId"] = $"o-{i}" });

            // No waiting: the result event was held until the record was written.
            var records = new List<AuditEvent>();
            await foreach (var r in Gateway.Broker.Runtime.Store.ReadAuditAsync(new AuditQuery { Kind = EgressAuditKinds.McpCall }, CancellationToken.None))
            {
                records.Add(r.Event);
            }

            Assert.Equal(i, records.Count);
            Assert.Equal("allowed", records[^1].Outcome);
            Assert.Equal("200", records[^1].Evidence["upstream_status"]);
        }
    }

    [Fact]
    public async Task DeniedAndPendingCalls_AreRecordedWithRuleAndApproval()
    {
        var credential = await Gateway.CredentialAsync();
        using (await PostAsync(Request("tools/call", "admin_reset"), credential))
        {
        }

        using (await PostAsync(Request("tools/call", "refund", """{"orderId":"o-9","amount":500}"""), credential))
        {
        }

        var records = await McpCallRecordsAsync(expected: 2);
        var denied = records.Single(r => r.Evidence["mcp_tool"] == "admin_reset");
        Assert.Equal("denied", denied.Outcome);
        Assert.Equal("mcp.tool_not_allowed", denied.Evidence["check_id"]);
        Assert.False(denied.Evidence.ContainsKey("upstream_status"));
        var pending = records.Single(r => r.Evidence["mcp_tool"] == "refund");
        Assert.Equal("pending", pending.Outcome);
        Assert.Equal("mcp-large-refunds", pending.Rule);
        Assert.StartsWith("mcpa", pending.Evidence["approval_id"], StringComparison.Ordinal);
        // record_arguments: true on the deciding rule.
        Assert.Contains("\"amount\":500", pending.Evidence["arguments"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task HeaderMismatch_IsRecordedAsRefused()
    {
        var credential = await Gateway.CredentialAsync();
        var body = Request("tools/call", "refund", """{"orderId":"o-1","amount":1}""");
        var headers = ModernHeaders(body);
        headers["Mcp-Name"] = "lookup_order";

        using (await PostAsync(body, credential, headers))
        {
        }

        var record = Assert.Single(await McpCallRecordsAsync());
        Assert.Equal("refused", record.Outcome);
        Assert.Equal("mcp.header_mismatch", record.Evidence["check_id"]);
    }

    [Fact]
    public async Task RunTrace_ShowsTheCallsUnderTheCredential()
    {
        var credential = await Gateway.CredentialAsync();
        await using var client = await ConnectAsync(credential);
        await client.CallToolAsync("lookup_order", new Dictionary<string, object?> { ["orderId"] = "o-1" });
        await McpCallRecordsAsync();

        var trace = await RunTraceBuilder.BuildAsync(Gateway.Broker.Runtime.Store, McpTokens.Claim(credential, "run"), CancellationToken.None);

        var agentCredential = trace!.Credentials.Single(c => c.Jti == McpTokens.Claim(credential, "jti"));
        var call = Assert.Single(agentCredential.Calls, c => c.Event.Kind == EgressAuditKinds.McpCall);
        Assert.Equal("lookup_order", call.Event.Evidence["mcp_tool"]);
        // The gateway's upstream credential is in the same run's tree, as an issued credential of its own.
        Assert.Contains(trace.Credentials, c => c.Issuance.Event.Evidence.GetValueOrDefault("aud") == Gateway.UpstreamResource);
        var json = System.Text.Json.JsonSerializer.Serialize(Admin.RunJson.Trace(trace));
        Assert.Contains("\"mcp_call\"", json, StringComparison.Ordinal);
    }
}
