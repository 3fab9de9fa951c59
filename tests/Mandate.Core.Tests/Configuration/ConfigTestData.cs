using Mandate.Core.Configuration;

namespace Mandate.Core.Tests.Configuration;

/// <summary>Builders shared by the configuration tests.</summary>
internal static class ConfigTestData
{
    /// <summary>Where the parsed text claims to live; relative paths resolve against its folder. Never created.</summary>
    public static readonly string FileName = Path.Combine(Path.GetTempPath(), "mandate-config-tests", "mandate.yaml");

    public static string Folder => Path.GetDirectoryName(FileName)!;

    /// <summary>The smallest valid file: 7 lines, so additions start on line 8.</summary>
    public const string Minimal = """
        trust_domain: acme.example
        policy: policy.yaml
        issuers:
          - name: workloads
            kind: workload
            issuer: https://spire.acme.example
            jwks_file: workloads.jwks.json
        """;

    /// <summary><see cref="Minimal"/> plus one tool, refunds (lines 8-11), for agents to reference from line 12 on.</summary>
    public const string WithRefunds = Minimal + """

        tools:
          - name: refunds
            resource: https://refunds.acme.example
            scopes: [refunds:read]
        """;

    public static MandateOptions Parse(string yaml) => ConfigLoader.Parse(yaml, FileName);

    /// <summary>Parses text that must be refused and returns every problem reported.</summary>
    public static IReadOnlyList<ConfigProblem> Problems(string yaml)
    {
        var e = Assert.Throws<MandateConfigException>(() => Parse(yaml));
        Assert.NotEmpty(e.Problems);
        Assert.All(e.Problems, p => Assert.Equal(FileName, p.File));
        return e.Problems;
    }

    /// <summary>Parses text that must be refused for exactly one problem and returns it.</summary>
    public static ConfigProblem SingleProblem(string yaml)
    {
        var problems = Problems(yaml);
        Assert.True(problems.Count == 1, "expected one problem, got:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        return problems[0];
    }

    public static void AssertProblem(ConfigProblem problem, string path, int line, int column, string messagePart)
    {
        Assert.Equal(path, problem.Path);
        Assert.Equal((line, column), (problem.Line, problem.Column));
        Assert.Contains(messagePart, problem.Message, StringComparison.Ordinal);
    }
}
