using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests;

public sealed class PolicyConditionTests
{
    private static readonly PolicyInput Gold = UserRequest with
    {
        UserClaims = new Dictionary<string, object?> { ["tier"] = "gold" },
        Now = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void When_true_allows_and_false_refuses_naming_the_rule_and_condition()
    {
        var policy = Load(Rules(Rule("gold-only", "allow", Support, "refunds", "when: user.claims.tier == 'gold'")));

        Assert.True(PolicyEngine.Evaluate(policy, Gold).IsAllowed);
        var refused = PolicyEngine.Evaluate(policy, Gold with { UserClaims = new Dictionary<string, object?> { ["tier"] = "free" } });
        Assert.False(refused.IsAllowed);
        Assert.Contains("rule 'gold-only' requires when: user.claims.tier == 'gold'", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_condition_error_makes_an_allow_rule_not_match_with_the_error_as_reason()
    {
        var policy = Load(Rules(Rule("gold-only", "allow", Support, "refunds", "when: user.claims.tier == 'gold'")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest);

        Assert.False(decision.IsAllowed);
        Assert.Contains("could not be evaluated (no such key 'tier')", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_condition_over_the_step_budget_is_not_matching()
    {
        var details = Enumerable.Range(0, 500).Select(i => (object?)new Dictionary<string, object?> { ["amount"] = (long)i }).ToList();
        var policy = Load(Rules(Rule("slow", "allow", Support, "refunds",
            "when: authorization_details.exists(a, authorization_details.exists(b, a.amount + b.amount < 0))")));

        var decision = PolicyEngine.Evaluate(policy, Gold with { AuthorizationDetails = details });

        Assert.False(decision.IsAllowed);
        Assert.Contains("exceeded 10000 steps", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deny_rule_whose_condition_errs_fails_closed()
    {
        var policy = Load(Rules(
            Rule("deny-free", "deny", Support, "refunds", "when: user.claims.tier == 'free'"),
            Rule("allow", "allow", Support, "refunds")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest);

        Assert.Equal("deny-free", decision.RuleId);
        Assert.Contains("fails closed", decision.Reason, StringComparison.Ordinal);
        Assert.True(PolicyEngine.Evaluate(policy, Gold).IsAllowed);
    }

    [Fact]
    public void Authorization_details_can_be_bounded()
    {
        var policy = Load(Rules(Rule("small-refunds", "allow", Support, "refunds", "when: request.authorization_details.all(d, d.amount <= 100)")));
        static PolicyInput Amount(object amount) => Gold with { AuthorizationDetails = [new Dictionary<string, object?> { ["type"] = "refund", ["amount"] = amount }] };

        Assert.True(PolicyEngine.Evaluate(policy, Amount(100L)).IsAllowed);
        Assert.False(PolicyEngine.Evaluate(policy, Amount(100.5)).IsAllowed);
    }

    [Fact]
    public void Require_approval_decides_pending_with_its_expiry()
    {
        var policy = Load(Rules(Rule("big-refunds", "require_approval", Support, "refunds", "approval_expires_in: 15m")));

        var decision = PolicyEngine.Evaluate(policy, Gold);

        Assert.Equal(DecisionEffect.RequireApproval, decision.Effect);
        Assert.True(decision.RequiresApproval);
        Assert.False(decision.IsAllowed);
        Assert.Equal(TimeSpan.FromMinutes(15), decision.ApprovalExpiresIn);
    }

    [Fact]
    public void Grant_scopes_narrows_what_is_issued()
    {
        var policy = Load(Rules(Rule("read-only", "allow", Support, "refunds", "scopes: [refunds:read, refunds:write]", "grant_scopes: [refunds:read]")));

        var decision = PolicyEngine.Evaluate(policy, Gold with { Scopes = ["refunds:read", "refunds:write"] });
        var nothing = PolicyEngine.Evaluate(policy, Gold with { Scopes = ["refunds:write"] });

        Assert.Equal(["refunds:read"], decision.GrantedScopes);
        Assert.False(nothing.IsAllowed);
        Assert.Contains("grants only refunds:read", nothing.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rate_limit_refuses_when_reached_and_names_the_reset()
    {
        var policy = Load(Rules(Rule("five-an-hour", "allow", Support, "refunds", "rate_limit: {per: user, max: 5, window: 1h}")));

        Assert.True(PolicyEngine.Evaluate(policy, Gold with { RateCounts = new Dictionary<string, long> { ["five-an-hour"] = 4 } }).IsAllowed);
        var refused = PolicyEngine.Evaluate(policy, Gold with { RateCounts = new Dictionary<string, long> { ["five-an-hour"] = 5 } });

        Assert.False(refused.IsAllowed);
        Assert.Contains("rule 'five-an-hour' allows at most 5 credentials per user per 1h", refused.Reason, StringComparison.Ordinal);
        Assert.Contains("resets at 2026-01-05T11:00:00Z", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Condition_errors_are_reported_at_their_position_in_the_file()
    {
        var problems = Problems(Rules(
            Rule("plain", "allow", Support, "refunds", "when: user.tier == 'gold'"),
            Rule("quoted", "allow", Support, "refunds", "when: \"usr.id == 'a'\""),
            Rule("block", "allow", Support, "refunds", "when: |", "  user.id == 'a' &&", "    user.claims.tier = 1")));

        Assert.Contains(problems, p => p.Line == 7 && p.Column == 16 && p.Message.Contains("'user' has no field 'tier'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Line == 13 && p.Column == 12 && p.Message.Contains("unknown name 'usr'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Line == 21 && p.Column == 26 && p.Message.Contains("compare with '=='", StringComparison.Ordinal));
    }

    [Fact]
    public void New_keys_are_validated()
    {
        var problems = Problems(Rules(
            Rule("a", "deny", Support, "refunds", "grant_scopes: [refunds:read]", "rate_limit: {per: user, max: 5, window: 1h}"),
            Rule("b", "allow", Support, "refunds", "scopes: [refunds:read]", "grant_scopes: [refunds:write]", "approval_expires_in: 5m"),
            Rule("c", "allow", Support, "refunds", "rate_limit: {per: team, max: 0}")));

        Assert.Contains(problems, p => p.Message.Contains("grant_scopes does not apply", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.Contains("rate_limit does not apply", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.Contains("may only narrow", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.Contains("only to rules with effect: require_approval", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.Contains("must be user, agent, tenant, run or tool", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.Contains("at least 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.Contains("missing 'window'", StringComparison.Ordinal));
    }
}
