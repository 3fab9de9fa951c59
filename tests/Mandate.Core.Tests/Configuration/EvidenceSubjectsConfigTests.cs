using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

/// <summary>issuers[].evidence_subjects: required of a ci issuer, refused elsewhere, each template checked at start.</summary>
public sealed class EvidenceSubjectsConfigTests
{
    private const string CiIssuer = """

          - name: actions
            kind: ci
            issuer: https://token.actions.example
            jwks_file: ci.jwks.json
        """;

    /// <summary><see cref="Minimal"/> with a second issuer, of kind ci, from line 8 on, plus <paramref name="lines"/>.</summary>
    private static string WithCiIssuer(params string[] lines) =>
        Minimal + CiIssuer + string.Concat(lines.Select(l => "\n    " + l));

    [Fact]
    public void Parse_CiIssuerWithoutEvidenceSubjects_IsRefusedNamingTheIssuerAndTheFix()
    {
        var problem = Assert.Single(Problems(WithCiIssuer()));

        Assert.Equal((8, "issuers[1].evidence_subjects"), (problem.Line, problem.Path));
        Assert.Contains("issuer 'actions'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("add evidence_subjects", problem.Message, StringComparison.Ordinal);
        Assert.Contains("evidence_subjects: [\"*\"]", problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem.ToString());
    }

    [Fact]
    public void Parse_CiIssuerWithTemplates_ReadsThem()
    {
        var issuer = Parse(WithCiIssuer("evidence_subjects: ['{repository}@{sha}', '{repository}@*']")).Issuers[1];

        Assert.Equal(["{repository}@{sha}", "{repository}@*"], issuer.EvidenceSubjects);
    }

    [Theory]
    [InlineData("evidence_subjects: ['*@{sha}']", "'*' that is not at the end")]
    [InlineData("evidence_subjects: ['{repository']", "placeholder that is not {claim}")]
    [InlineData("evidence_subjects: ['{repository} {sha}']", "does not give an evidence subject")]
    [InlineData("evidence_subjects: []", "add evidence_subjects")]
    public void Parse_BadTemplate_IsRefused(string line, string expected)
    {
        var problem = Assert.Single(Problems(WithCiIssuer(line)));

        Assert.Equal("issuers[1].evidence_subjects", problem.Path);
        Assert.Contains(expected, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EvidenceSubjectsOnWorkloadIssuer_IsRefused()
    {
        var problem = Assert.Single(Problems(Minimal + "\n    evidence_subjects: ['*']"));

        Assert.Equal("issuers[0].evidence_subjects", problem.Path);
        Assert.Contains("kind ci only", problem.Message, StringComparison.Ordinal);
    }
}
