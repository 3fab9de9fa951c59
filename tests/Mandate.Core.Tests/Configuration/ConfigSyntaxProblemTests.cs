using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

/// <summary>The file itself: YAML syntax, duplicate and unknown keys, the root shape, and how a problem prints.</summary>
public sealed class ConfigSyntaxProblemTests
{
    [Fact]
    public void Parse_UnknownKeys_ReportEachAtTheKey()
    {
        var problems = Problems("""
            trust_domain: acme.example
            policy: policy.yaml
            enviroment: prod
            issuers:
              - name: workloads
                kind: workload
                issuer: https://spire.acme.example
                jwks_file: workloads.jwks.json
                clock_skwe: 30s
            """);

        // In file order, each with the key probably meant.
        Assert.Collection(
            problems,
            p => AssertProblem(p, "enviroment", 3, 1, "unknown key (did you mean 'environment'?)"),
            p => AssertProblem(p, "issuers[0].clock_skwe", 9, 5, "unknown key (did you mean 'clock_skew'?)"));
    }

    [Fact]
    public void Parse_MalformedYaml_ReportsWhereTheParserStopped()
    {
        var problem = SingleProblem("""
            trust_domain: acme.example
            policy: policy.yaml
            environment: "dev
            issuers: []
            """);

        Assert.Equal("", problem.Path);
        Assert.StartsWith("not valid YAML: ", problem.Message, StringComparison.Ordinal);
        Assert.Equal((3, 14), (problem.Line, problem.Column));
    }

    [Fact]
    public void Parse_DuplicateKey_IsRefusedNotLastOneWins()
    {
        var problems = Problems(Minimal + "\npolicy: other.yaml\n");

        var problem = Assert.Single(problems);
        Assert.StartsWith("not valid YAML: ", problem.Message, StringComparison.Ordinal);
        Assert.Equal((8, 1), (problem.Line, problem.Column));
    }

    [Fact]
    public void Parse_NotAMapping_IsRefused()
    {
        var problem = SingleProblem("- trust_domain: acme.example\n");

        AssertProblem(problem, "", 1, 1, "must be a YAML mapping");
    }

    [Fact]
    public void Problem_ToString_IsCompilerStyle()
    {
        var problem = SingleProblem($"issuer: http://mandate.acme.example\n" + Minimal);

        Assert.Equal($"{FileName}:1:9: issuer: plain http is only allowed on loopback; use https", problem.ToString());
    }
}
