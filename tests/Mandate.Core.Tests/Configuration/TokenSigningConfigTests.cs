using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

/// <summary>A jwt tool's <c>signing_alg</c>: ES256 unless the tool asks for RS256 (RFC 9068 §2.1); nothing else, and on no other kind.</summary>
public sealed class TokenSigningConfigTests
{
    [Fact]
    public void SigningAlg_Absent_IsES256()
    {
        var tool = Parse(WithRefunds).Tools[0];

        Assert.Equal(TokenSigningAlgorithms.ES256, tool.SigningAlgorithm);
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public void SigningAlg_OnAJwtTool_IsRead(string algorithm)
    {
        var tool = Parse(WithRefunds + "\n    signing_alg: " + algorithm).Tools[0];

        Assert.Equal(algorithm, tool.SigningAlgorithm);
    }

    [Theory]
    [InlineData("rs256")]
    [InlineData("HS256")]
    [InlineData("none")]
    [InlineData("PS256")]
    public void SigningAlg_OtherThanES256OrRS256_IsRefusedAtItsLine(string algorithm)
    {
        var problem = SingleProblem(WithRefunds + "\n    signing_alg: " + algorithm);

        AssertProblem(problem, "tools[0].signing_alg", 12, 18, "use ES256 (default) or RS256");
    }

    [Theory]
    [InlineData("secret")]
    [InlineData("postgres")]
    [InlineData("x509")]
    [InlineData("oidc-federation")]
    public void SigningAlg_OnAKindThatIsNoJwtAccessToken_IsRefusedAtItsLine(string kind)
    {
        var problems = Problems(WithRefunds + "\n    kind: " + kind + "\n    signing_alg: RS256");

        var problem = Assert.Single(problems, p => p.Path == "tools[0].signing_alg");
        AssertProblem(problem, "tools[0].signing_alg", 13, 18, "only applies to tools of kind: jwt");
        Assert.Contains(kind, problem.Message, StringComparison.Ordinal);
    }
}
