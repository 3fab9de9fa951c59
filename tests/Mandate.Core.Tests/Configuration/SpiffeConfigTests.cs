using Mandate.Core.Configuration;

namespace Mandate.Core.Tests.Configuration;

public sealed class SpiffeConfigTests
{
    [Fact]
    public void Parse_NoSpiffeSection_IsOffWithDocumentedDefaults()
    {
        var spiffe = ConfigLoader.Parse(ConfigTestData.Minimal, ConfigTestData.FileName).Spiffe;

        Assert.False(spiffe.Enabled);
        Assert.Equal(TimeSpan.FromHours(1), spiffe.X509SvidTtl);
        Assert.Equal(TimeSpan.FromMinutes(5), spiffe.JwtSvidTtl);
        Assert.Equal(TimeSpan.FromDays(365), spiffe.CaTtl);
        Assert.Equal(Path.Combine(ConfigTestData.Folder, ".mandate", "workload.sock"), spiffe.WorkloadSocket);
        Assert.Equal(Path.Combine(ConfigTestData.Folder, ".mandate", "spiffe.sock"), spiffe.EndpointSocket);
    }

    [Fact]
    public void Parse_SpiffeSection_ReadsEveryKey()
    {
        var spiffe = ConfigLoader.Parse(ConfigTestData.Minimal + """

            spiffe:
              enabled: true
              ca_ttl: 30d
              x509_svid_ttl: 2h
              jwt_svid_ttl: 90s
              workload_socket: run/workload.sock
              endpoint_socket: run/spiffe.sock
              bundle_refresh_hint: 1m
            """, ConfigTestData.FileName).Spiffe;

        Assert.True(spiffe.Enabled);
        Assert.Equal(TimeSpan.FromDays(30), spiffe.CaTtl);
        Assert.Equal(TimeSpan.FromHours(2), spiffe.X509SvidTtl);
        Assert.Equal(TimeSpan.FromSeconds(90), spiffe.JwtSvidTtl);
        Assert.Equal(Path.Combine(ConfigTestData.Folder, "run", "workload.sock"), spiffe.WorkloadSocket);
        Assert.Equal(Path.Combine(ConfigTestData.Folder, "run", "spiffe.sock"), spiffe.EndpointSocket);
        Assert.Equal(TimeSpan.FromMinutes(1), spiffe.BundleRefreshHint);
    }

    [Theory]
    [InlineData("x509_svid_ttl: 25h", "spiffe.x509_svid_ttl", "at most 24h")]
    [InlineData("jwt_svid_ttl: 2h", "spiffe.jwt_svid_ttl", "at most 1h")]
    [InlineData("ca_ttl: 1d", "spiffe.ca_ttl", "from 7d")]
    [InlineData("enabled: yes-please", "spiffe.enabled", "true or false")]
    [InlineData("workload_sock: x", "spiffe.workload_sock", "unknown key")]
    public void Parse_BadSpiffeValue_ReportsItWithItsLine(string line, string path, string message)
    {
        var e = Assert.Throws<MandateConfigException>(() => ConfigLoader.Parse(ConfigTestData.Minimal + "\nspiffe:\n  " + line, ConfigTestData.FileName));

        var problem = Assert.Single(e.Problems);
        Assert.Equal(path, problem.Path);
        Assert.Equal(9, problem.Line);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WorkloadSocketIsTheAdminSocket_IsRefused()
    {
        var e = Assert.Throws<MandateConfigException>(() => ConfigLoader.Parse(
            ConfigTestData.Minimal + "\nadmin_socket: run/a.sock\nspiffe: { enabled: true, workload_socket: run/a.sock }", ConfigTestData.FileName));

        Assert.Contains(e.Problems, p => p.Path == "spiffe" && p.Message.Contains("must differ from admin_socket", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("admin_socket: run/a.sock", "endpoint_socket: run/a.sock")]
    [InlineData("admin_socket: run/admin.sock", "endpoint_socket: run/w.sock, workload_socket: run/w.sock")]
    public void Parse_EndpointSocketSharedWithAnotherListener_IsRefused(string top, string spiffe)
    {
        var e = Assert.Throws<MandateConfigException>(() => ConfigLoader.Parse(
            ConfigTestData.Minimal + $"\n{top}\nspiffe: {{ enabled: true, {spiffe} }}", ConfigTestData.FileName));

        Assert.Contains(e.Problems, p => p.Path == "spiffe" && p.Message.Contains("endpoint_socket must differ from admin_socket and workload_socket", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_IssuerClaimsTheJwtSvidIssuer_IsRefused()
    {
        var e = Assert.Throws<MandateConfigException>(() => ConfigLoader.Parse("""
            issuer: https://broker.acme.example
            trust_domain: acme.example
            policy: policy.yaml
            spiffe: { enabled: true }
            issuers:
              - { name: workloads, kind: workload, issuer: https://spire.acme.example, jwks_file: w.json }
              - { name: fake, kind: workload, issuer: https://broker.acme.example/spiffe, jwks_file: f.json }
            """, ConfigTestData.FileName));

        Assert.Contains(e.Problems, p => p.Path == "issuers" && p.Message.Contains("own JWT-SVID issuer", StringComparison.Ordinal));
    }
}
