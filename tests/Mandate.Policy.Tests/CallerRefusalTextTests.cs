using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests;

/// <summary>
/// docs/policy.md (How refusals are explained): the caller's text names the rule and its own request, never another
/// tenant a rule covers, and quotes a <c>when:</c> at most 200 characters long; the operator's text (audit, logs,
/// <c>policy explain</c>, <c>policy test</c>) keeps the whole detail.
/// </summary>
public sealed class CallerRefusalTextTests
{
    private static readonly string TenantList = Rules(
        Rule("refunds-acme", "allow", Support, "refunds", "tenant: [acme, initech]"));

    [Fact]
    public void Evaluate_TenantNotCovered_CallerTextNamesTheRuleAndTheRequestedTenantOnly()
    {
        var decision = PolicyEngine.Evaluate(Load(TenantList), UserRequest with { Tenant = "globex", UserTenant = "globex" });

        Assert.False(decision.IsAllowed);
        Assert.Contains("rule 'refunds-acme' does not cover tenant 'globex'", decision.CallerReason, StringComparison.Ordinal);
        Assert.Contains("'globex'", decision.CallerRemedy, StringComparison.Ordinal);
        foreach (var other in new[] { "initech", "acme," })
        {
            Assert.DoesNotContain(other, decision.CallerReason, StringComparison.Ordinal);
            Assert.DoesNotContain(other, decision.CallerRemedy ?? "", StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Evaluate_TenantNotCovered_OperatorTextKeepsTheRulesTenants()
    {
        var decision = PolicyEngine.Evaluate(Load(TenantList), UserRequest with { Tenant = "globex", UserTenant = "globex" });

        Assert.Contains("rule 'refunds-acme' allows tenants acme, initech (requested 'globex')", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("user.claims.tier == 'gold'", "requires when:")]
    [InlineData("user.claims.missing == 'gold'", "could not be evaluated")]
    public void Evaluate_LongConditionFails_CallerTextCapsTheQuotedSourceAndTheOperatorKeepsItWhole(string head, string says)
    {
        var source = head + string.Concat(Enumerable.Range(0, 40).Select(i => $" && tenant != 'tenant-number-{i}'"));
        var policy = Load(Rules(Rule("gold-refunds", "allow", Support, "refunds", $"when: \"{source}\"")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { UserClaims = new Dictionary<string, object?> { ["tier"] = "free" } });

        Assert.False(decision.IsAllowed);
        Assert.Contains(says, decision.CallerReason, StringComparison.Ordinal);
        Assert.Contains("rule 'gold-refunds'", decision.CallerReason, StringComparison.Ordinal);
        Assert.Contains(source[..150], decision.CallerReason, StringComparison.Ordinal);
        Assert.Contains("…", decision.CallerReason, StringComparison.Ordinal);
        Assert.DoesNotContain("tenant-number-39", decision.CallerReason, StringComparison.Ordinal);
        Assert.True(decision.CallerReason.Length < 200 + 200, decision.CallerReason);
        Assert.Contains(source, decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ShortConditionFails_CallerTextQuotesItWhole()
    {
        var policy = Load(Rules(Rule("gold-refunds", "allow", Support, "refunds", "when: user.claims.tier == 'gold'")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { UserClaims = new Dictionary<string, object?> { ["tier"] = "free" } });

        Assert.Equal(decision.Reason, decision.CallerReason);
        Assert.Contains("when: user.claims.tier == 'gold' (it is false", decision.CallerReason, StringComparison.Ordinal);
    }
}
