using Mandate.Policy.Testing;
using YamlDotNet.RepresentationModel;
using static Mandate.Policy.Tests.PolicyTestData;

namespace Mandate.Policy.Tests;

public sealed class PolicySenderConstraintTests
{
    private static readonly PolicySnapshot DpopOnly = Load(Rules(Rule("refunds-dpop", "allow", Support, "refunds", "sender_constraint: dpop")));

    [Theory]
    [InlineData(SenderConstraintKind.None, "present a DPoP proof")]
    [InlineData(SenderConstraintKind.Mtls, "present a DPoP proof")]
    public void Dpop_rule_refuses_other_bindings_naming_the_rule_and_the_fix(SenderConstraintKind kind, string fix)
    {
        var decision = PolicyEngine.Evaluate(DpopOnly, UserRequest with { SenderConstraint = kind });

        Assert.False(decision.IsAllowed);
        Assert.Contains("rule 'refunds-dpop' requires a DPoP-bound credential", decision.Reason, StringComparison.Ordinal);
        Assert.Contains(fix, decision.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void Dpop_rule_allows_a_dpop_bound_request() =>
        Assert.True(PolicyEngine.Evaluate(DpopOnly, UserRequest with { SenderConstraint = SenderConstraintKind.Dpop }).IsAllowed);

    [Theory]
    [InlineData("mtls", SenderConstraintKind.Mtls, true)]
    [InlineData("mtls", SenderConstraintKind.Dpop, false)]
    [InlineData("mtls", SenderConstraintKind.None, false)]
    [InlineData("any", SenderConstraintKind.Mtls, true)]
    [InlineData("any", SenderConstraintKind.Dpop, true)]
    [InlineData("any", SenderConstraintKind.None, false)]
    public void Requirement_matches_only_the_bindings_it_names(string requirement, SenderConstraintKind kind, bool allowed)
    {
        var policy = Load(Rules(Rule("r", "allow", Support, "refunds", $"sender_constraint: {requirement}")));
        Assert.Equal(allowed, PolicyEngine.Evaluate(policy, UserRequest with { SenderConstraint = kind }).IsAllowed);
    }

    [Fact]
    public void Rule_without_requirement_allows_bearer() =>
        Assert.True(PolicyEngine.Evaluate(Load(Rules(Rule("r", "allow", Support, "refunds"))), UserRequest with { SenderConstraint = SenderConstraintKind.None }).IsAllowed);

    [Fact]
    public void Sender_constraint_is_validated()
    {
        var problems = Problems(Rules(
            Rule("a", "deny", Support, "refunds", "sender_constraint: dpop"),
            Rule("b", "allow", Support, "refunds", "sender_constraint: tls")));

        Assert.Contains(problems, p => p.Message.Contains("sender_constraint does not apply", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.Contains("must be mtls, dpop or any", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("mtls")]
    [InlineData("dpop")]
    [InlineData("any")]
    public void Sender_constraint_on_a_tool_whose_credentials_cannot_be_bound_is_refused_at_load(string requirement)
    {
        // A database password cannot carry cnf (RFC 9449 §6, RFC 8705 §3): the rule would bind the request, not the credential.
        var catalog = new PolicyToolCatalog(
            new HashSet<string>(["refunds", "warehouse"], StringComparer.Ordinal),
            new Dictionary<string, string>(StringComparer.Ordinal) { ["warehouse"] = "postgres" });
        var yaml = Rules(Rule("bound", "allow", Support, "warehouse", $"sender_constraint: {requirement}"), Rule("fine", "allow", Support, "refunds", $"sender_constraint: {requirement}"));

        var problem = Assert.Single(PolicyParser.Parse(yaml, "policy.yaml", catalog).Problems);

        Assert.Contains($"sender_constraint: {requirement} cannot bind the credentials of tool 'warehouse' (kind postgres)", problem.Message, StringComparison.Ordinal);
        Assert.True(PolicyParser.Parse(yaml.Replace("warehouse", "refunds", StringComparison.Ordinal), "policy.yaml", catalog).IsValid);
    }

    [Theory]
    [InlineData("", SenderConstraintKind.None)]
    [InlineData("sender_constraint: dpop", SenderConstraintKind.Dpop)]
    [InlineData("sender_constraint: mtls", SenderConstraintKind.Mtls)]
    public void Policy_test_requests_state_their_binding_and_default_to_bearer(string line, SenderConstraintKind expected)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader($"agent: {Support}\ntool: refunds\ntenant: acme\n{line}\n"));
        var input = PolicyTestReader.ReadRequest((YamlMappingNode)yaml.Documents[0].RootNode, "dev");
        Assert.Equal(expected, input.SenderConstraint);
    }
}
