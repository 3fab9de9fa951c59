using Mandate.Core.Approvals;

namespace Mandate.Core.Tests.Approvals;

public sealed class ApprovalBindingTests
{
    private static IReadOnlyList<object?> Refund(long amount, bool reversed = false)
    {
        var fields = new List<KeyValuePair<string, object?>> { new("type", "refund"), new("amount", amount), new("currency", "EUR") };
        if (reversed)
        {
            fields.Reverse();
        }

        return [new Dictionary<string, object?>(fields)];
    }

    [Fact]
    public void Canonical_json_ignores_key_order()
    {
        Assert.Equal(ApprovalBinding.CanonicalJson(Refund(250)), ApprovalBinding.CanonicalJson(Refund(250, reversed: true)));
        Assert.Equal("""[{"amount":250,"currency":"EUR","type":"refund"}]""", ApprovalBinding.CanonicalJson(Refund(250)));
    }

    [Fact]
    public void Any_difference_in_the_call_changes_the_hash()
    {
        string Hash(string agent = "a", string run = "r", string tool = "t", string scope = "s", string tenant = "acme", string? user = "alice", long amount = 250) =>
            ApprovalBinding.Hash(agent, run, tool, scope, tenant, user, ApprovalBinding.CanonicalJson(Refund(amount)));

        var baseline = Hash();
        Assert.Equal(baseline, Hash());
        Assert.All(
            new[] { Hash(agent: "b"), Hash(run: "r2"), Hash(tool: "t2"), Hash(scope: "s2"), Hash(tenant: "globex"), Hash(user: null), Hash(amount: 251) },
            h => Assert.NotEqual(baseline, h));
    }

    [Fact]
    public void The_binding_message_summarises_the_call_and_is_bounded()
    {
        var message = ApprovalBinding.Message("spiffe://acme.example/agents/support", "refunds", "refunds:write", "acme", "alice", Refund(250));
        var huge = ApprovalBinding.Message("a", "t", "s", "acme", null, [new string('x', 5000)]);

        Assert.Contains("refunds:write on tool 'refunds' in tenant 'acme' for user 'alice'", message, StringComparison.Ordinal);
        Assert.Contains("250", message, StringComparison.Ordinal);
        Assert.True(huge.Length <= 500);
    }
}
