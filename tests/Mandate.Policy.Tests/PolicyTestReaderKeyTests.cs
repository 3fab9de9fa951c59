using Mandate.Policy.Testing;
using YamlDotNet.RepresentationModel;

namespace Mandate.Policy.Tests;

/// <summary>A misspelt key in a policy test file or an explain request is refused with its place, never read as absent.</summary>
public sealed class PolicyTestReaderKeyTests
{
    private const string File = "tests/boundaries.yaml";

    private const string Case = """
        policy: policy.yaml
        cases:
          - name: wrong tenant
            request: {agent: "spiffe://acme.example/agents/support", tool: refunds, scopes: [refunds:write],
                      tenant: globex, user: alice, user_tenant: acme}
            expect: deny
            rule: none
        """;

    [Fact]
    public void Read_EveryDocumentedKey_LoadsTheCase()
    {
        var file = PolicyTestReader.Read(Case.Replace("user_tenant: acme}", "user_tenant: acme, subject: user, environment: prod, now: \"2026-12-05T14:00:00Z\", run: run_1,\n                      user_claims: {tier: gold}, authorization_details: [], evidence_subject: shop, evidence: {eval: pass}, rate_counts: {r: 1}, sender_constraint: dpop}", StringComparison.Ordinal) + "\n    reason_contains: tenant\nenvironment: dev\n", File);

        Assert.Empty(file.Problems);
        var input = Assert.Single(file.Cases).Input;
        Assert.Equal(("alice", "acme", "prod", "run_1"), (input.User, input.UserTenant, input.Environment, input.RunId));
    }

    [Fact]
    public void Read_MisspeltRequestKey_RefusesTheCaseNamingKeyAndFix()
    {
        // "usr: alice" read as absent would test background work (no user) instead of alice's request.
        var file = PolicyTestReader.Read(Case.Replace("user: alice", "usr: alice", StringComparison.Ordinal), File);

        Assert.Empty(file.Cases);
        var problem = Assert.Single(file.Problems);
        Assert.StartsWith($"{File}:3:5: case 'wrong tenant': ", problem, StringComparison.Ordinal);
        Assert.Contains("5:31: request: unknown key 'usr' (did you mean 'user'?)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MisspeltCaseKey_IsReportedAtItsLine()
    {
        var file = PolicyTestReader.Read(Case.Replace("rule: none", "rul: none", StringComparison.Ordinal), File);

        Assert.Empty(file.Cases);
        Assert.Equal($"{File}:7:5: case 'wrong tenant': unknown key 'rul' (did you mean 'rule'?)", Assert.Single(file.Problems));
    }

    [Fact]
    public void Read_MisspeltTopLevelKey_IsReported()
    {
        var file = PolicyTestReader.Read(Case + "\nenvironmnet: prod\n", File);

        Assert.Equal($"{File}:8:1: test file: unknown key 'environmnet' (did you mean 'environment'?)", Assert.Single(file.Problems));
    }

    [Fact]
    public void TryReadRequest_UnknownKeyAndMcpKey_ComeBackAsOneProblem()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader("agent: spiffe://acme.example/agents/support\ntool: payments-mcp\nbogus: 1\nmcp: {tool: refund, argumnets: {amount: 1}}\n"));

        var input = PolicyTestReader.TryReadRequest((YamlMappingNode)yaml.Documents[0].RootNode, "dev", out var problem);

        Assert.Null(input);
        Assert.Equal("3:1: request: unknown key 'bogus' (it takes agent, tool, scopes, tenant, subject, user, user_tenant, user_claims, authorization_details, evidence_subject, evidence, rate_counts, run, environment, now, sender_constraint, mcp, delegators, depth); "
            + "4:21: request.mcp: unknown key 'argumnets' (did you mean 'arguments'?)", problem);
    }
}
