using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

public sealed class ConfigEveryProblemTests
{
    private const string ManyMistakes = """
        issuer: http://mandate.acme.example
        trust_domain: acme.example
        environment: prod
        policy: policy.yaml
        enviroment: staging
        lifetimes:
          default: 3h
          max: 2h
        keys:
          rotate_every: 1 day
        issuers:
          - name: workloads
            kind: workload
            issuer: https://spire.acme.example
            jwks_file: workloads.jwks.json
            jwks_url: https://spire.acme.example/keys
            algorithms: [ES256, HS256]
            dev_signer: true
          - name: idp
            kind: user
            issuer: https://idp.acme.example
        tools:
          - name: refunds
            resource: https://refunds.acme.example
            scopes: [refunds:read]
          - name: refunds
            resource: https://refunds-v2.acme.example
            scopes: [refunds:write]
        agents:
          - id: spiffe://acme.example/agents/../admin
            tenants: [acme]
            tools: [refunds]
          - id: spiffe://globex.example/agents/support
            tenants: [globex]
            tools: [refunds, crm]
        """;

    [Fact]
    public void Parse_ManyMistakes_ReportsEveryOneAtOnceWithLineAndColumn()
    {
        var problems = Problems(ManyMistakes);

        var expected = new (string Path, int Line, int Column, string Message)[]
        {
            ("issuer", 1, 9, "plain http is only allowed on loopback"),
            ("enviroment", 5, 1, "unknown key"),
            ("lifetimes.default", 7, 12, "default (3h) exceeds max (2h)"),
            ("lifetimes.max", 8, 8, "max may not exceed 1h"),
            ("keys.rotate_every", 10, 17, "'1 day' is not a duration"),
            ("issuers[0].jwks_file", 15, 16, "give exactly one of jwks_file or jwks_url"),
            ("issuers[0].algorithms", 17, 17, "'HS256' is not allowed"),
            ("issuers", 12, 3, "dev_signer is for development only"),
            ("issuers[1].jwks_file", 19, 5, "give exactly one of jwks_file or jwks_url"),
            ("tools", 23, 3, "tool 'refunds' is defined twice"),
            ("agents[0].id", 30, 9, "is not a SPIFFE ID"),
            ("agents[1].id", 33, 9, "agent 'spiffe://globex.example/agents/support' is outside the trust domain 'acme.example'"),
            ("agents[1].tools", 35, 12, "tool 'crm' is not defined under tools"),
        };
        var report = string.Join(Environment.NewLine, problems);
        foreach (var (path, line, column, message) in expected)
        {
            Assert.True(
                problems.Count(p => p.Path == path && p.Line == line && p.Column == column && p.Message.Contains(message, StringComparison.Ordinal)) == 1,
                $"expected one problem {path} at {line}:{column} containing \"{message}\"; got:{Environment.NewLine}{report}");
        }

        Assert.True(expected.Length == problems.Count, "unexpected extra problems:" + Environment.NewLine + report);
    }

    [Fact]
    public void Exception_Message_ListsEveryProblemWithItsLocation()
    {
        var e = Assert.Throws<MandateConfigException>(() => Parse(ManyMistakes));

        Assert.StartsWith($"invalid configuration ({e.Problems.Count} problems):", e.Message, StringComparison.Ordinal);
        Assert.All(e.Problems, p => Assert.Contains(p.ToString(), e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_EveryRequiredKeyMissing_ReportsEachOne()
    {
        var problems = Problems("environment: dev\n");

        // One problem per missing key: a missing issuers list is not also reported as lacking a workload issuer.
        Assert.Equal(["issuers", "policy", "trust_domain"], problems.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.All(problems, p => Assert.Equal((1, 1), (p.Line, p.Column)));
    }

    [Theory]
    [InlineData("issuers", "at least one of kind workload (examples/quickstart/mandate.yaml; docs/trust-sources.md)")]
    [InlineData("policy", "e.g. policy: policy.yaml (docs/policy.md)")]
    [InlineData("trust_domain", "e.g. trust_domain: acme.example")]
    public void Parse_RequiredKeyMissing_SaysWhatToWrite(string key, string example)
    {
        var problem = Assert.Single(Problems("environment: dev\n"), p => p.Path == key);

        Assert.StartsWith("is required: ", problem.Message, StringComparison.Ordinal);
        Assert.EndsWith(example, problem.Message, StringComparison.Ordinal);
    }
}
