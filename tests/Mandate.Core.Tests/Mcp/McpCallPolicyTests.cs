using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Core.Mcp;
using static Mandate.Core.Tests.Mcp.McpFixture;

namespace Mandate.Core.Tests.Mcp;

/// <summary>The tools/call decision the gateway asks for: verdicts, check ids, the argument hash, and refusals that write nothing.</summary>
public sealed class McpCallPolicyTests
{
    [Fact]
    public async Task DecideAsync_AllowedCall_NamesTheRuleAndPolicyVersion_AndWritesNothing()
    {
        await using var f = await new McpFixture().MigrateAsync();

        var decision = await f.DecideAsync(Call("lookup_order", """{"order":"o-1"}"""));

        Assert.Equal(McpCallVerdict.Allowed, decision.Verdict);
        Assert.Equal("mcp-lookup", decision.Rule);
        Assert.Equal(f.Provider.Current.Version, decision.PolicyVersion);
        Assert.Null(decision.CheckId);
        Assert.Null(decision.ApprovalId);
        Assert.False(decision.RecordArguments);
        Assert.Empty(await f.AuditAsync());
    }

    [Fact]
    public async Task DecideAsync_ToolNoRuleNames_IsDeniedByDefault_WithToolNotAllowed()
    {
        await using var f = await new McpFixture().MigrateAsync();

        var decision = await f.DecideAsync(Call("delete_customer", "{}"));

        Assert.Equal(McpCallVerdict.Denied, decision.Verdict);
        Assert.Null(decision.Rule);
        Assert.Equal(McpCallChecks.ToolNotAllowed, decision.CheckId);
        Assert.Contains("delete_customer", decision.Description, StringComparison.Ordinal);
        Assert.Empty(await f.AuditAsync());
    }

    [Fact]
    public async Task DecideAsync_ArgumentsHash_IsSha256OfCanonicalJson_WhateverTheOrderAndSpacing()
    {
        await using var f = await new McpFixture().MigrateAsync();

        var a = await f.DecideAsync(Call("refund", """{ "amount": 40, "order": {"id": "o-1", "lines": [1, 2.5]} }"""));
        var b = await f.DecideAsync(Call("refund", """{"order":{"lines":[1,2.5],"id":"o-1"},"amount":40}"""));

        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("""{"amount":40,"order":{"id":"o-1","lines":[1,2.5]}}""")));
        Assert.Equal(expected, a.ArgumentsHash);
        Assert.Equal(expected, b.ArgumentsHash);
        Assert.Equal(McpCallVerdict.Allowed, a.Verdict);
    }

    [Fact]
    public async Task DecideAsync_NoArgumentsMember_IsAnEmptyObject()
    {
        await using var f = await new McpFixture().MigrateAsync();

        var decision = await f.CallPolicy.DecideAsync(f.Caller, new McpToolCall("payments-mcp", "lookup_order", default), CancellationToken.None);

        Assert.Equal(McpCallVerdict.Allowed, decision.Verdict);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("{}"u8)), decision.ArgumentsHash);
    }

    [Theory]
    [InlineData("""{"amount":5000,"amount":50}""")]
    [InlineData("""[1,2]""")]
    [InlineData("\"refund\"")]
    [InlineData("""{"amount":1e400}""")]
    public async Task DecideAsync_UnreadableArguments_AreRefused_AndWriteNothing(string arguments)
    {
        await using var f = await new McpFixture().MigrateAsync();

        var decision = await f.DecideAsync(Call("refund", arguments));

        Assert.Equal(McpCallVerdict.Denied, decision.Verdict);
        Assert.Equal(McpCallChecks.ArgumentsInvalid, decision.CheckId);
        Assert.Matches("^[0-9a-f]{64}$", decision.ArgumentsHash);
        Assert.DoesNotContain("5000", decision.Description, StringComparison.Ordinal);
        Assert.Empty(await f.AuditAsync());
        Assert.Empty(await f.Store.ListApprovalsAsync(null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task DecideAsync_ArgumentsNestedTooDeep_AreRefused()
    {
        await using var f = await new McpFixture().MigrateAsync();
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 40)) + "1" + new string('}', 40);

        var decision = await f.DecideAsync(Call("lookup_order", deep));

        Assert.Equal(McpCallChecks.ArgumentsInvalid, decision.CheckId);
    }

    [Fact]
    public async Task DecideAsync_CallerOfAnotherAgent_IsDenied()
    {
        await using var f = await new McpFixture().MigrateAsync();

        var decision = await f.DecideAsync(Call("lookup_order", "{}"), f.Caller with { Agent = "spiffe://acme.example/agents/research" });

        Assert.Equal(McpCallChecks.ToolNotAllowed, decision.CheckId);
    }

    [Fact]
    public async Task DecideAsync_BackgroundCredential_DoesNotMatchRulesForUsers()
    {
        await using var f = await new McpFixture().MigrateAsync();

        var decision = await f.DecideAsync(Call("lookup_order", "{}"), f.Caller with { Subject = Support });

        Assert.Equal(McpCallVerdict.Denied, decision.Verdict);
    }

    [Fact]
    public async Task ListFilter_ListsToolsSomeRuleNames_ForThisCaller()
    {
        await using var f = await new McpFixture().MigrateAsync();
        var payments = await f.CallPolicy.ListFilterAsync(f.Caller, "payments-mcp", CancellationToken.None);
        var crm = await f.CallPolicy.ListFilterAsync(f.Caller, "crm-mcp", CancellationToken.None);

        Assert.True(payments("refund"));
        Assert.True(payments("lookup_order"));
        Assert.False(payments("delete_customer"));
        Assert.False(crm("lookup_order"));
    }

    [Fact]
    public void Arguments_ParsedIntegersAndDoubles_KeepTheirKinds()
    {
        using var document = JsonDocument.Parse("""{"i":3,"d":2.5,"big":12345678901234,"e":1e2}""");

        var values = McpArguments.Read(document.RootElement, out var problem)!.Values;

        Assert.Null(problem);
        Assert.IsType<long>(values["i"]);
        Assert.IsType<double>(values["d"]);
        Assert.IsType<long>(values["big"]);
        Assert.IsType<double>(values["e"]);
    }
}
