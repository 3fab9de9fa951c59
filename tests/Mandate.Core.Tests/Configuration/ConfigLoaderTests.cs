using Mandate.Core.Configuration;
using static Mandate.Core.Tests.Configuration.ConfigTestData;

namespace Mandate.Core.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    [Fact]
    public void Parse_MinimalFile_AppliesDefaults()
    {
        var options = Parse(Minimal);

        Assert.Equal("http://127.0.0.1:8080", options.Issuer);
        Assert.Equal("http://127.0.0.1:8080", options.Listen);
        Assert.Equal("acme.example", options.TrustDomain);
        Assert.Equal("dev", options.Environment);
        Assert.Equal(TimeSpan.FromMinutes(5), options.Lifetimes.Default);
        Assert.Equal(TimeSpan.FromMinutes(15), options.Lifetimes.Max);
        Assert.Equal(TimeSpan.FromHours(24), options.Keys.RotateEvery);
        Assert.Equal("MANDATE_KEK", options.Keys.KekEnvironmentVariable);
        Assert.Empty(options.Agents);
        Assert.Empty(options.Tools);

        var issuer = Assert.Single(options.Issuers);
        Assert.Equal("workloads", issuer.Name);
        Assert.Equal(IssuerKind.Workload, issuer.Kind);
        Assert.Equal("https://spire.acme.example", issuer.Issuer);
        Assert.Null(issuer.JwksUrl);
        Assert.Null(issuer.Audience);
        Assert.Equal(["ES256"], issuer.Algorithms);
        Assert.Equal(["JWT", "JOSE"], issuer.Types);
        Assert.True(issuer.AllowMissingType);
        Assert.Equal(TimeSpan.FromSeconds(30), issuer.ClockSkew);
        Assert.Equal("tenant", issuer.TenantClaim);
        Assert.False(issuer.DevSigner);
    }

    [Fact]
    public void Parse_MinimalFile_ResolvesPathsAgainstTheFilesFolder()
    {
        var options = Parse(Minimal);

        var data = Path.Combine(Folder, ".mandate");
        Assert.Equal(Folder, options.BaseDirectory);
        Assert.Equal(Path.Combine(Folder, "policy.yaml"), options.PolicyPath);
        Assert.Equal(data, options.DataDirectory);
        Assert.Equal(Path.Combine(data, "mandate.db"), options.StorePath);
        Assert.Equal(Path.Combine(data, "admin.sock"), options.AdminSocket);
        Assert.Equal(Path.Combine(data, "kek"), options.Keys.KekFile);
        Assert.Equal(Path.Combine(Folder, "workloads.jwks.json"), Assert.Single(options.Issuers).JwksFile);
    }

    [Fact]
    public void Parse_ExplicitPaths_ResolveRelativeOnesAndKeepAbsoluteOnes()
    {
        var absoluteStore = Path.Combine(Path.GetTempPath(), "elsewhere", "broker.db");
        var options = Parse($"""
            trust_domain: acme.example
            policy: policies/main.yaml
            data_dir: ../state
            store: {absoluteStore}
            keys:
              kek_file: secrets/kek
            issuers:
              - name: workloads
                kind: workload
                issuer: https://spire.acme.example
                jwks_file: ./keys/../keys/workloads.jwks.json
            """);

        var parent = Path.GetDirectoryName(Folder)!;
        Assert.Equal(Path.Combine(Folder, "policies", "main.yaml"), options.PolicyPath);
        Assert.Equal(Path.Combine(parent, "state"), options.DataDirectory);
        Assert.Equal(absoluteStore, options.StorePath);
        Assert.Equal(Path.Combine(parent, "state", "admin.sock"), options.AdminSocket);
        Assert.Equal(Path.Combine(Folder, "secrets", "kek"), options.Keys.KekFile);
        Assert.Equal(Path.Combine(Folder, "keys", "workloads.jwks.json"), Assert.Single(options.Issuers).JwksFile);
    }

    [Fact]
    public void Parse_EverySetting_IsRead()
    {
        var options = Parse("""
            issuer: https://mandate.acme.example
            listen: http://0.0.0.0:9090
            trust_domain: acme.example
            environment: staging
            node: node-7
            policy: policy.yaml
            lifetimes:
              default: 90s
              max: 1h
            keys:
              rotate_every: 7d
              kek_env: ACME_KEK
            issuers:
              - name: spire
                kind: workload
                issuer: https://spire.acme.example
                jwks_url: https://spire.acme.example/keys
                audience: mandate
                algorithms: [ES384, RS256]
                types: [JWT, jwt-svid]
                allow_missing_typ: false
                clock_skew: 10s
              - name: idp
                kind: user
                issuer: https://idp.acme.example
                jwks_file: idp.jwks.json
                tenant_claim: org
            tools:
              - name: refunds
                resource: https://refunds.acme.example
                scopes: refunds:write
                workloads: [spiffe://acme.example/tools/refunds]
            agents:
              - id: spiffe://acme.example/agents/support
                owner: support-platform
                tenants: [acme, globex]
                tools: [refunds]
                max_lifetime: 2m
            """);

        Assert.Equal("https://mandate.acme.example", options.Issuer);
        Assert.Equal("http://0.0.0.0:9090", options.Listen);
        Assert.Equal("staging", options.Environment);
        Assert.Equal("node-7", options.Node);
        Assert.Equal(TimeSpan.FromSeconds(90), options.Lifetimes.Default);
        Assert.Equal(TimeSpan.FromHours(1), options.Lifetimes.Max);
        Assert.Equal(TimeSpan.FromDays(7), options.Keys.RotateEvery);
        Assert.Equal("ACME_KEK", options.Keys.KekEnvironmentVariable);

        Assert.Collection(
            options.Issuers,
            spire =>
            {
                Assert.Equal(IssuerKind.Workload, spire.Kind);
                Assert.Equal(new Uri("https://spire.acme.example/keys"), spire.JwksUrl);
                Assert.Null(spire.JwksFile);
                Assert.Equal("mandate", spire.Audience);
                Assert.Equal(["ES384", "RS256"], spire.Algorithms);
                Assert.Equal(["JWT", "jwt-svid"], spire.Types);
                Assert.False(spire.AllowMissingType);
                Assert.Equal(TimeSpan.FromSeconds(10), spire.ClockSkew);
            },
            idp =>
            {
                Assert.Equal(IssuerKind.User, idp.Kind);
                Assert.Equal("org", idp.TenantClaim);
            });

        var tool = Assert.Single(options.Tools);
        Assert.Equal("refunds", tool.Name);
        Assert.Equal("https://refunds.acme.example", tool.Resource);
        Assert.Equal(["refunds:write"], tool.Scopes);
        Assert.Equal(["spiffe://acme.example/tools/refunds"], tool.Workloads);

        var agent = Assert.Single(options.Agents);
        Assert.Equal("spiffe://acme.example/agents/support", agent.Id);
        Assert.Equal("support-platform", agent.Owner);
        Assert.Equal(["acme", "globex"], agent.Tenants);
        Assert.Equal(["refunds"], agent.Tools);
        Assert.Equal(TimeSpan.FromMinutes(2), agent.MaxLifetime);
    }

    [Fact]
    public void LoadFile_QuickstartExample_IsValid()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "examples", "mandate.yaml");

        var options = ConfigLoader.LoadFile(path);

        Assert.Equal("acme.example", options.TrustDomain);
        Assert.Equal("dev", options.Environment);
        Assert.Equal(["workloads", "acme-idp"], options.Issuers.Select(i => i.Name));
        Assert.All(options.Issuers, i => Assert.True(i.DevSigner));
        Assert.Equal(["refunds", "crm", "billing", "code"], options.Tools.Select(t => t.Name));
        Assert.Equal(5, options.Agents.Count);
        // The policy it names sits beside it (the test project copies both), so the pair loads together.
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "examples", "policy.yaml"), options.PolicyPath);
        Assert.True(File.Exists(options.PolicyPath));
    }

    [Fact]
    public void LoadFile_MissingFile_ThrowsNamingIt()
    {
        var path = Path.Combine(Path.GetTempPath(), "mandate-" + Guid.NewGuid().ToString("N"), "mandate.yaml");

        var e = Assert.Throws<MandateConfigException>(() => ConfigLoader.LoadFile(path));

        var problem = Assert.Single(e.Problems);
        Assert.Equal(path, problem.File);
        Assert.Contains("not found", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LifetimeMaxOfExactlyOneHour_IsAccepted()
    {
        var options = Parse(Minimal + "\nlifetimes:\n  max: 60m\n");

        Assert.Equal(TimeSpan.FromHours(1), options.Lifetimes.Max);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://localhost:8080")]
    [InlineData("http://[::1]:8080")]
    [InlineData("https://mandate.acme.example")]
    public void Parse_IssuerOnLoopbackOrHttps_IsAccepted(string issuer)
    {
        Assert.Equal(issuer, Parse($"issuer: {issuer}\n" + Minimal).Issuer);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8081/keys")]
    [InlineData("http://localhost/keys")]
    [InlineData("https://spire.acme.example/keys")]
    public void Parse_JwksUrlOnLoopbackOrHttps_IsAccepted(string url)
    {
        var options = Parse(Minimal.Replace("jwks_file: workloads.jwks.json", $"jwks_url: {url}", StringComparison.Ordinal));

        Assert.Equal(new Uri(url), Assert.Single(options.Issuers).JwksUrl);
    }

    [Fact]
    public void Parse_DevSignerOutsideProd_IsAccepted()
    {
        var options = Parse("environment: staging\n" + Minimal + "\n    dev_signer: true\n");

        Assert.True(Assert.Single(options.Issuers).DevSigner);
    }
}
