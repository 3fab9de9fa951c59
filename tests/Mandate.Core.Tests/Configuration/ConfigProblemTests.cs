using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

/// <summary>One test per refusal: the problem, its path and its file:line:column.</summary>
public sealed class ConfigProblemTests
{
    [Fact]
    public void Parse_MissingTrustDomain_IsRequired()
    {
        var problem = SingleProblem("""
            policy: policy.yaml
            issuers:
              - name: workloads
                kind: workload
                issuer: https://spire.acme.example
                jwks_file: workloads.jwks.json
            """);

        AssertProblem(problem, "trust_domain", 1, 1, "is required: the SPIFFE trust domain of your agents' IDs, e.g. trust_domain: acme.example");
    }

    [Theory]
    [InlineData("Acme.example")]
    [InlineData("acme.example:8443")]
    [InlineData("user@acme.example")]
    public void Parse_InvalidTrustDomain_IsRefusedAtTheValue(string trustDomain)
    {
        var problem = SingleProblem(Minimal.Replace("trust_domain: acme.example", $"trust_domain: {trustDomain}", StringComparison.Ordinal));

        AssertProblem(problem, "trust_domain", 1, 15, "lowercase DNS-like name");
    }

    [Theory]
    [InlineData("5 minutes")]
    [InlineData("5")]
    [InlineData("0m")]
    [InlineData("-5m")]
    [InlineData("1.5h")]
    [InlineData("5w")]
    public void Parse_BadDuration_IsRefusedAtTheValue(string duration)
    {
        var problem = SingleProblem(Minimal + $"\nlifetimes:\n  default: {duration}\n");

        AssertProblem(problem, "lifetimes.default", 9, 12, $"'{duration}' is not a duration");
    }

    [Fact]
    public void Parse_AgentIdNotSpiffe_IsRefusedAtTheId()
    {
        var problem = SingleProblem(WithRefunds + """

            agents:
              - id: https://acme.example/agents/support
                tenants: [acme]
                tools: [refunds]
            """);

        AssertProblem(problem, "agents[0].id", 13, 9, "is not a SPIFFE ID");
    }

    [Fact]
    public void Parse_AgentIdOfTheTrustDomainItself_IsRefusedAtTheId()
    {
        // SPIFFE-ID §2.2: no path names the trust domain; X509-SVID §3.1: a workload's SVID has a path.
        var problem = SingleProblem(WithRefunds + """

            agents:
              - id: spiffe://acme.example
                tenants: [acme]
                tools: [refunds]
            """);

        AssertProblem(problem, "agents[0].id", 13, 9, "'spiffe://acme.example' names the trust domain, not a workload; write spiffe://acme.example/<path>");
    }

    [Fact]
    public void Parse_AgentOutsideTrustDomain_IsRefused()
    {
        var problem = SingleProblem(WithRefunds + """

            agents:
              - id: spiffe://globex.example/agents/support
                tenants: [acme]
                tools: [refunds]
            """);

        AssertProblem(problem, "agents[0].id", 13, 9, "agent 'spiffe://globex.example/agents/support' is outside the trust domain 'acme.example'");
    }

    [Fact]
    public void Parse_AgentReferencingUndefinedTool_IsRefusedAtItsTools()
    {
        var problem = SingleProblem(WithRefunds + """

            agents:
              - id: spiffe://acme.example/agents/support
                tenants: [acme]
                tools: [refunds, crm]
            """);

        AssertProblem(problem, "agents[0].tools", 15, 12, "tool 'crm' is not defined under tools");
    }

    [Fact]
    public void Parse_AgentMaxLifetimeAboveGlobalMax_IsRefused()
    {
        var problem = SingleProblem(WithRefunds + """

            agents:
              - id: spiffe://acme.example/agents/support
                tenants: [acme]
                tools: [refunds]
                max_lifetime: 30m
            """);

        AssertProblem(problem, "agents[0].max_lifetime", 16, 19, "max_lifetime exceeds lifetimes.max (15m)");
    }

    [Fact]
    public void Parse_DuplicateTool_IsRefused()
    {
        var problem = SingleProblem(WithRefunds + """

              - name: refunds
                resource: https://refunds-v2.acme.example
                scopes: [refunds:write]
            """);

        AssertProblem(problem, "tools", 9, 3, "tool 'refunds' is defined twice");
    }

    [Theory]
    [InlineData("refunds")]
    [InlineData("/refunds")]
    [InlineData("//refunds.acme.example/api")]
    [InlineData("https://refunds.acme.example/#admin")]
    [InlineData("https://refunds.acme.example/a b")]
    [InlineData("https://b\u00FCcher.example")]
    public void Parse_ToolResourceNotAnAbsoluteUri_IsRefused(string resource)
    {
        var problem = SingleProblem(WithRefunds.Replace("https://refunds.acme.example", resource, StringComparison.Ordinal));

        AssertProblem(problem, "tools[0].resource", 10, 15, "must be an absolute URI without a fragment");
    }

    [Fact]
    public void Parse_IssuerWithBothJwksFileAndUrl_IsRefused()
    {
        var problem = SingleProblem(Minimal + "\n    jwks_url: https://spire.acme.example/keys\n");

        AssertProblem(problem, "issuers[0].jwks_file", 7, 16, "give exactly one of jwks_file or jwks_url");
    }

    [Fact]
    public void Parse_IssuerWithNeitherJwksFileNorUrl_IsRefusedAtTheIssuer()
    {
        var problem = SingleProblem("""
            trust_domain: acme.example
            policy: policy.yaml
            issuers:
              - name: workloads
                kind: workload
                issuer: https://spire.acme.example
            """);

        AssertProblem(problem, "issuers[0].jwks_file", 4, 5, "give exactly one of jwks_file or jwks_url");
    }

    [Theory]
    [InlineData("http://spire.acme.example/keys")]
    [InlineData("http://10.0.0.7/keys")]
    public void Parse_HttpJwksUrlOffLoopback_IsRefused(string url)
    {
        var problem = SingleProblem(Minimal.Replace("jwks_file: workloads.jwks.json", $"jwks_url: {url}", StringComparison.Ordinal));

        AssertProblem(problem, "issuers[0].jwks_url", 7, 15, "plain http is only allowed on loopback; use https");
    }

    [Theory]
    [InlineData("spire.acme.example/keys")]
    [InlineData("ftp://spire.acme.example/keys")]
    [InlineData("/keys")]
    public void Parse_JwksUrlNotAnHttpUrl_IsRefused(string url)
    {
        var problem = SingleProblem(Minimal.Replace("jwks_file: workloads.jwks.json", $"jwks_url: {url}", StringComparison.Ordinal));

        AssertProblem(problem, "issuers[0].jwks_url", 7, 15, "must be an absolute https URL");
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("HS512")]
    [InlineData("none")]
    [InlineData("es256")]
    public void Parse_NonAsymmetricAlgorithm_IsRefused(string algorithm)
    {
        var problem = SingleProblem(Minimal + $"\n    algorithms: [ES256, {algorithm}]\n");

        AssertProblem(problem, "issuers[0].algorithms", 8, 17, $"'{algorithm}' is not allowed; use asymmetric algorithms");
    }

    [Fact]
    public void Parse_DefaultLifetimeAboveMax_IsRefused()
    {
        var problem = SingleProblem(Minimal + "\nlifetimes:\n  default: 10m\n  max: 5m\n");

        AssertProblem(problem, "lifetimes.default", 9, 12, "default (10m) exceeds max (5m)");
    }

    [Theory]
    [InlineData("https://refunds.acme.example/")]
    [InlineData("HTTPS://Refunds.ACME.example:443")]
    public void Parse_TwoToolsNamingOneOriginInTwoSpellings_IsRefused(string other)
    {
        var problem = SingleProblem(WithRefunds + $"""

              - name: refunds-v2
                resource: {other}
                scopes: [refunds:write]
            """);

        AssertProblem(problem, "tools", 9, 3, $"tools 'refunds' (https://refunds.acme.example) and 'refunds-v2' ({other}) name the same resource");
    }

    [Fact]
    public void Parse_RunTokenLifetimeAboveMaxDuration_IsRefusedAtTokenLifetime()
    {
        var problem = SingleProblem(Minimal + "\nruns:\n  token_lifetime: 9h\n");

        AssertProblem(problem, "runs.token_lifetime", 9, 19, "token_lifetime (9h) exceeds max_duration (8h)");
    }

    [Fact]
    public void Parse_MaxLifetimeAboveOneHour_IsRefused()
    {
        var problem = SingleProblem(Minimal + "\nlifetimes:\n  max: 61m\n");

        AssertProblem(problem, "lifetimes.max", 9, 8, "max may not exceed 1h");
    }

    [Theory]
    [InlineData("prod")]
    [InlineData("production")]
    public void Parse_DevSignerInProd_IsRefused(string environment)
    {
        var problem = SingleProblem($"environment: {environment}\n" + Minimal + "\n    dev_signer: true\n");

        AssertProblem(problem, "issuers", 5, 3, $"dev_signer is for development only and is refused when environment is '{environment}'");
    }

    [Theory]
    [InlineData("http://mandate.acme.example")]
    [InlineData("http://10.0.0.7:8080")]
    public void Parse_HttpIssuerOffLoopback_IsRefused(string issuer)
    {
        var problem = SingleProblem($"issuer: {issuer}\n" + Minimal);

        AssertProblem(problem, "issuer", 1, 9, "plain http is only allowed on loopback");
    }

    [Theory]
    [InlineData("mandate.acme.example")]
    [InlineData("ftp://mandate.acme.example")]
    [InlineData("https://mandate.acme.example/?tenant=acme")]
    [InlineData("https://mandate.acme.example/#top")]
    [InlineData("https://mandate.acme.example/?")]
    [InlineData("https://mandate.acme.example/#")]
    public void Parse_IssuerNotAnHttpsUrl_IsRefused(string issuer)
    {
        var problem = SingleProblem($"issuer: {issuer}\n" + Minimal);

        AssertProblem(problem, "issuer", 1, 9, "absolute https URL without query or fragment");
    }

    [Fact]
    public void Parse_NoWorkloadIssuer_IsRefused()
    {
        var problem = SingleProblem(Minimal.Replace("kind: workload", "kind: user", StringComparison.Ordinal));

        AssertProblem(problem, "issuers", 4, 3, "at least one issuer of kind 'workload'");
    }

    [Fact]
    public void Parse_EmptyIssuerList_NeedsAWorkloadIssuer()
    {
        var problem = SingleProblem("trust_domain: acme.example\npolicy: policy.yaml\nissuers: []\n");

        Assert.Equal("issuers", problem.Path);
        Assert.Contains("at least one issuer of kind 'workload'", problem.Message, StringComparison.Ordinal);
    }
}
