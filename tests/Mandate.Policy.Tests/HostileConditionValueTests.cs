using Mandate.Policy.Testing;
using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests;

/// <summary>
/// Conditions over values a caller shapes (user claims, authorization_details): the wrong type, null, a number written
/// as a string, a list where a scalar is expected, very long or deeply nested values. docs/policy.md (Errors and
/// limits): an error makes an allow rule not match and a deny rule apply; evaluation never throws.
/// </summary>
[Trait("Invariant", "1")]
public sealed class HostileConditionValueTests
{
    public static TheoryData<object?> HostileTiers => new()
    {
        null,
        new List<object?> { "gold" },
        new Dictionary<string, object?> { ["tier"] = "gold" },
        1L,
        "gold ",
        "GOLD",
        "g\u043Eld",
        new string('g', 70_000),
        Nested(5_000),
    };

    public static TheoryData<object?> HostileAmounts => new()
    {
        "50",
        null,
        new List<object?> { 50L },
        double.NaN,
        double.PositiveInfinity,
        true,
        new string('9', 70_000),
        Nested(5_000),
    };

    [Theory]
    [MemberData(nameof(HostileTiers))]
    public void Invariant1_AllowConditionOverAHostileClaim_DoesNotAllow(object? tier)
    {
        var policy = Load(Rules(Rule("gold-refunds", "allow", Support, "refunds", "when: user.claims.tier == \"gold\"")));

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { UserClaims = new Dictionary<string, object?> { ["tier"] = tier } });

        Assert.False(decision.IsAllowed);
        Assert.Null(decision.RuleId);
        Assert.Contains("gold-refunds", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HostileAmounts))]
    public void Invariant1_AllowBoundOnAHostileAmount_DoesNotAllow(object? amount)
    {
        var policy = Load(Rules(Rule("small-refunds", "allow", Support, "refunds",
            "when: authorization_details.all(d, d.amount <= 100)")));
        var details = new List<object?> { new Dictionary<string, object?> { ["type"] = "refund", ["amount"] = amount } };

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { AuthorizationDetails = details });

        Assert.False(decision.IsAllowed);
        Assert.Null(decision.RuleId);
    }

    [Theory]
    [MemberData(nameof(HostileAmounts))]
    public void Invariant1_DenyConditionOverAHostileAmount_StillDenies(object? amount)
    {
        // docs/policy.md: a condition that errs makes a deny rule apply (fail closed).
        var policy = Load(Rules(
            Rule("refunds", "allow", Support, "refunds"),
            Rule("large-refunds", "deny", Support, "refunds", "when: authorization_details.exists(d, d.amount > 100)")));
        var details = new List<object?> { new Dictionary<string, object?> { ["type"] = "refund", ["amount"] = amount } };

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { AuthorizationDetails = details });

        Assert.False(decision.IsAllowed);
        Assert.Equal("large-refunds", decision.RuleId);
    }

    [Fact]
    public void Invariant1_TenThousandDetailsUnderNestedMacros_ExceedTheBudgetAndDoNotAllow()
    {
        var policy = Load(Rules(Rule("refunds", "allow", Support, "refunds",
            "when: authorization_details.all(a, authorization_details.all(b, a.amount + b.amount < 1000000))")));
        var details = Enumerable.Range(0, 10_000)
            .Select(i => (object?)new Dictionary<string, object?> { ["type"] = "refund", ["amount"] = (long)i })
            .ToList();

        var decision = PolicyEngine.Evaluate(policy, UserRequest with { AuthorizationDetails = details });

        Assert.False(decision.IsAllowed);
        Assert.Contains("steps", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NaN", "deny")]
    [InlineData("-Infinity", "allow")]
    [InlineData("1e400", "deny")]
    public void Invariant1_PolicyTestFileAmountThatIsNoFiniteNumber_IsDecidedAsTheDocsSay(string amount, string expected)
    {
        // docs/policy.md: NaN is an error, never a value a bound compares below; -Infinity and 1e400 (an infinity) order as numbers.
        var policy = Load(Rules(Rule("small-refunds", "allow", Support, "refunds",
            "when: authorization_details.all(d, d.amount <= 100)")));
        var file = PolicyTestReader.Read($$"""
            policy: policy.yaml
            cases:
              - name: amount {{amount}}
                request: {agent: "{{Support}}", tool: refunds, scopes: [refunds:read], tenant: acme, user: alice,
                          user_tenant: acme, authorization_details: [{type: refund, amount: {{amount}}}]}
                expect: {{expected}}
            """, "tests/amounts.yaml");

        var result = Assert.Single(PolicyTestRunner.Run(policy, file.Cases));

        Assert.Empty(file.Problems);
        Assert.Null(result.Failure);
    }

    private static List<object?> Nested(int depth)
    {
        var list = new List<object?> { "gold" };
        for (var i = 0; i < depth; i++)
        {
            list = [list];
        }

        return list;
    }
}
