using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

/// <summary>issuers[].profile and its settings: what is read, and every malformed entry reported with line:column.</summary>
public sealed class IssuerProfileConfigTests
{
    /// <summary><see cref="Minimal"/> with <paramref name="lines"/> added to its one issuer, from line 8 on.</summary>
    private static string WithIssuerLines(params string[] lines) =>
        Minimal + "\n" + string.Join("\n", lines.Select(l => "    " + l));

    [Fact]
    public void Parse_KubernetesIssuer_ReadsItsSettings()
    {
        var issuer = Assert.Single(Parse(WithIssuerLines(
            "profile: kubernetes",
            "trust_domain: acme.example",
            "namespaces: [payments, support]",
            "require_pod_binding: false",
            "required_claims: { cluster: prod-eu }")).Issuers);

        Assert.Equal(IssuerProfile.Kubernetes, issuer.Profile);
        Assert.Equal("acme.example", issuer.TrustDomain);
        Assert.Equal(["payments", "support"], issuer.Namespaces);
        Assert.False(issuer.RequirePodBinding);
        Assert.Equal(["prod-eu"], issuer.RequiredClaims["cluster"]);
    }

    [Theory]
    [InlineData(new string[0], new[] { "JWT", "JOSE" })]
    [InlineData(new[] { "profile: kubernetes" }, new[] { "JWT" })]
    [InlineData(new[] { "types: [JWT]" }, new[] { "JWT" })]
    public void Parse_AcceptedTypes_JwtSvidIssuersTakeJwtAndJose(string[] lines, string[] expected)
    {
        // JWT-SVID §2.3: typ, when set, MUST be JWT or JOSE, so a conforming SVID may carry either.
        Assert.Equal(expected, Assert.Single(Parse(WithIssuerLines(lines)).Issuers).Types);
    }

    [Fact]
    public void Parse_WorkloadIssuerWithoutProfile_IsJwtSvidWithDefaults()
    {
        var issuer = Assert.Single(Parse(Minimal).Issuers);

        Assert.Equal(IssuerProfile.JwtSvid, issuer.Profile);
        Assert.Null(issuer.TrustDomain);
        Assert.Empty(issuer.RequiredClaims);
        Assert.True(issuer.RequirePodBinding);
        Assert.Equal(TimeSpan.FromMinutes(5), issuer.JwksRefresh);
        Assert.Equal(TimeSpan.FromSeconds(30), issuer.JwksMinRefreshInterval);
    }

    [Fact]
    public void Parse_GitHubIssuer_ReadsTemplateAndRequiredClaims()
    {
        var issuer = Assert.Single(Parse(WithIssuerLines(
            "profile: github-actions",
            "spiffe_id: spiffe://acme.example/ci/github/{repository}",
            "required_claims:",
            "  repository: acme/refund-bot",
            "  ref: [refs/heads/main, refs/heads/release/*]")).Issuers);

        Assert.Equal(IssuerProfile.GitHubActions, issuer.Profile);
        Assert.Equal("spiffe://acme.example/ci/github/{repository}", issuer.SpiffeIdTemplate);
        Assert.Equal(["acme/refund-bot"], issuer.RequiredClaims["repository"]);
        Assert.Equal(["refs/heads/main", "refs/heads/release/*"], issuer.RequiredClaims["ref"]);
    }

    [Fact]
    public void Parse_JwksUrlRefreshSettings_AreRead()
    {
        var yaml = Minimal.Replace("jwks_file: workloads.jwks.json", "jwks_url: https://spire.acme.example/keys", StringComparison.Ordinal)
            + "\n    jwks_refresh: 10m\n    jwks_min_refresh_interval: 15s";

        var issuer = Assert.Single(Parse(yaml).Issuers);

        Assert.Equal(TimeSpan.FromMinutes(10), issuer.JwksRefresh);
        Assert.Equal(TimeSpan.FromSeconds(15), issuer.JwksMinRefreshInterval);
    }

    [Fact]
    public void Parse_UnknownProfile_IsReportedAtItsValue()
    {
        var problem = SingleProblem(WithIssuerLines("profile: spire"));

        AssertProblem(problem, "issuers[0].profile", 8, 14, "'spire' is not a profile; use one of jwt-svid, kubernetes, github-actions, oidc");
    }

    [Fact]
    public void Parse_ProfileOnAUserIssuer_IsReported()
    {
        var yaml = Minimal + """

              - name: idp
                kind: user
                issuer: https://idp.acme.example
                jwks_file: idp.jwks.json
                profile: kubernetes
            """;

        AssertProblem(SingleProblem(yaml), "issuers[1].profile", 12, 14, "applies to workload and ci issuers");
    }

    [Theory]
    [InlineData("spiffe://acme.example/ci/github/main", "has no {claim} placeholder")]
    [InlineData("spiffe://acme.example/ci/{repository", "is not {claim}")]
    [InlineData("spiffe://acme.example/ci/repository}", "without a '{'")]
    [InlineData("spiffe://acme.example/ci/{}", "is not {claim}")]
    [InlineData("https://acme.example/ci/{repository}", "does not give a SPIFFE ID")]
    [InlineData("spiffe://{repository}/ci", "does not give a SPIFFE ID")]
    [InlineData("spiffe://acme.example/ci/{repository}/", "does not give a SPIFFE ID")]
    public void Parse_MalformedTemplate_IsReported(string template, string message)
    {
        var problem = SingleProblem(WithIssuerLines("profile: oidc", $"spiffe_id: \"{template}\""));

        AssertProblem(problem, "issuers[0].spiffe_id", 9, 16, message);
    }

    [Fact]
    public void Parse_TemplateProfileWithoutTemplate_IsReported()
    {
        var problem = SingleProblem(WithIssuerLines("profile: github-actions"));

        AssertProblem(problem, "issuers[0].spiffe_id", 4, 5, "profile github-actions needs a spiffe_id template");
    }

    [Fact]
    public void Parse_TemplateOnJwtSvidProfile_IsReported()
    {
        var problem = SingleProblem(WithIssuerLines("spiffe_id: spiffe://acme.example/{sub}"));

        AssertProblem(problem, "issuers[0].spiffe_id", 8, 16, "applies to profiles github-actions and oidc only");
    }

    [Fact]
    public void Parse_TemplateOutsideMandatesTrustDomain_IsReported()
    {
        var problem = SingleProblem(WithIssuerLines("profile: oidc", "spiffe_id: spiffe://evil.example/{sub}"));

        Assert.Equal("issuers", problem.Path);
        Assert.Contains("maps into trust domain 'evil.example', not 'acme.example'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TemplateOutsideTheIssuersTrustDomain_IsReported()
    {
        var problem = SingleProblem(WithIssuerLines("profile: oidc", "trust_domain: partner.example", "spiffe_id: spiffe://acme.example/{sub}"));

        AssertProblem(problem, "issuers[0].spiffe_id", 10, 16, "the issuer's trust_domain is 'partner.example'");
    }

    [Theory]
    [InlineData("ref: refs/*/main", 12, "'refs/*/main' is not an allowed value")]
    [InlineData("ref: '*main*'", 12, "'*main*' is not an allowed value")]
    [InlineData("ref: []", 12, "must be a value or a list of allowed values")]
    [InlineData("ref: { a: b }", 12, "must be a list of strings")]
    public void Parse_MalformedRequiredClaim_IsReportedAtTheClaim(string entry, int column, string message)
    {
        var problems = Problems(WithIssuerLines("required_claims:", "  " + entry));

        Assert.Contains(problems, p => p.Path == "issuers[0].required_claims.ref" && p.Line == 9 && p.Column == column && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_RequiredClaimsNotAMapping_IsReported()
    {
        var problem = SingleProblem(WithIssuerLines("required_claims: [ref]"));

        AssertProblem(problem, "issuers[0].required_claims", 8, 22, "must be a mapping");
    }

    [Theory]
    [InlineData("namespaces: [payments]", "issuers[0].namespaces")]
    [InlineData("require_pod_binding: false", "issuers[0].require_pod_binding")]
    public void Parse_KubernetesSettingOnAnotherProfile_IsReported(string line, string path)
    {
        var problem = SingleProblem(WithIssuerLines(line));

        Assert.Equal(path, problem.Path);
        Assert.Equal(8, problem.Line);
        Assert.Contains("applies to profile kubernetes only", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnsafeNamespace_IsReported()
    {
        var problem = SingleProblem(WithIssuerLines("profile: kubernetes", "namespaces: [\"../admin\"]"));

        AssertProblem(problem, "issuers[0].namespaces", 9, 17, "'../admin' is not a Kubernetes namespace name");
    }

    [Fact]
    public void Parse_InvalidIssuerTrustDomain_IsReported()
    {
        var problem = SingleProblem(WithIssuerLines("trust_domain: Acme.Example"));

        AssertProblem(problem, "issuers[0].trust_domain", 8, 19, "must be a lowercase DNS-like name");
    }

    [Fact]
    public void Parse_JwksRefreshOnAJwksFile_IsReported()
    {
        var problem = SingleProblem(WithIssuerLines("jwks_refresh: 1m"));

        AssertProblem(problem, "issuers[0].jwks_refresh", 8, 19, "applies to jwks_url only");
    }

    [Fact]
    public void Parse_ZeroMinRefreshInterval_IsReported()
    {
        var yaml = Minimal.Replace("jwks_file: workloads.jwks.json", "jwks_url: https://spire.acme.example/keys", StringComparison.Ordinal)
            + "\n    jwks_min_refresh_interval: 0s";

        AssertProblem(SingleProblem(yaml), "issuers[0].jwks_min_refresh_interval", 8, 32, "is not a duration");
    }

    [Fact]
    public void Parse_RefreshShorterThanMinInterval_IsReported()
    {
        var yaml = Minimal.Replace("jwks_file: workloads.jwks.json", "jwks_url: https://spire.acme.example/keys", StringComparison.Ordinal)
            + "\n    jwks_refresh: 10s";

        AssertProblem(SingleProblem(yaml), "issuers[0].jwks_refresh", 8, 19, "must be at least jwks_min_refresh_interval");
    }
}
