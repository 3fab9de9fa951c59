using Mandate.Policy.Testing;
using static Mandate.Policy.Tests.Delegation.DelegatedPolicyTestTests;

namespace Mandate.Policy.Tests.Delegation;

/// <summary>A <c>delegators:</c> list that cannot be read is a problem of its case, with its line, never a guess.</summary>
public sealed class DelegatorsReaderTests
{
    [Theory]
    [InlineData("delegators: spiffe://acme.example/agents/support", "10:19: delegators must be a list of the agents above the calling agent")]
    [InlineData("delegators: {agent: spiffe://acme.example/agents/support}", "10:19: delegators must be a list")]
    [InlineData("delegators: [{run: run_parent}]", "10:20: delegators[0] needs 'agent'")]
    [InlineData("delegators: [\"spiffe://acme.example/agents/support\", [a]]", "10:60: delegators[1] needs 'agent'")]
    [InlineData("delegators: [\"spiffe://acme.example/agents/support\"]\n      depth: 2", "11:14: depth 2 disagrees with delegators: a request with 1 agent(s) above the caller is made at depth 1")]
    [InlineData("depth: 1", "10:14: depth 1 disagrees with delegators: a request with 0 agent(s) above the caller is made at depth 0")]
    [InlineData("depth: one", "10:14: depth must be a whole number")]
    public void Read_MalformedChain_IsAProblemOfThatCaseWithItsLine(string extra, string expected)
    {
        var file = PolicyTestReader.Read(Case(extra), "t.yaml");

        Assert.Empty(file.Cases);
        var problem = Assert.Single(file.Problems);
        Assert.StartsWith("t.yaml:3:5: case 'c': ", problem, StringComparison.Ordinal);
        var (line, column, rest) = (expected.Split(':')[0], expected.Split(':')[1], expected[(expected.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        Assert.Contains($"line {line}, column {column}: {rest}", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("delegators: [{agent: spiffe://acme.example/agents/support, rn: run_parent}]", "request.delegators[0]: unknown key 'rn' (did you mean 'run'?)")]
    [InlineData("delegator: [spiffe://acme.example/agents/support]", "request: unknown key 'delegator' (did you mean 'delegators'?)")]
    [InlineData("dept: 1", "request: unknown key 'dept' (did you mean 'depth'?)")]
    public void Read_UnknownKeyInTheChain_IsRefusedWithTheNearestKey(string extra, string expected)
    {
        var file = PolicyTestReader.Read(Case(extra), "t.yaml");

        Assert.Empty(file.Cases);
        Assert.Contains(expected, Assert.Single(file.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DepthThatRepeatsTheChain_IsAccepted()
    {
        var file = PolicyTestReader.Read(Case("delegators: [\"spiffe://acme.example/agents/support\"]\n      depth: 1"), "t.yaml");

        Assert.Empty(file.Problems);
        Assert.Equal(1, Assert.Single(file.Cases).Input.DelegationDepth);
    }
}
