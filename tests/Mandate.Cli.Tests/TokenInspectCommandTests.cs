using System.Net.Http.Json;
using System.Text.Json;
using Mandate.Core.Configuration;
using Mandate.Server.Hosting;
using Mandate.Testing;

namespace Mandate.Cli.Tests;

/// <summary><c>mandate token inspect</c> against a real broker on loopback, found through its configuration.</summary>
public sealed class TokenInspectCommandTests
{
    [Fact]
    public async Task Inspect_WithConfig_VerifiesAtTheConfiguredListenAddress()
    {
        using var dir = new TempFolder();
        var (app, config, url) = await StartOnFreePortAsync(dir);
        await using var broker = app;
        var credential = await IssueAsync(dir, config, url);

        var (exit, output) = await CliRunner.RunAsync("token", "inspect", "-c", config, credential);

        Assert.Equal(0, exit);
        Assert.Contains("valid", output);
        Assert.Contains(url, output);
    }

    [Fact]
    public async Task Inspect_ClaimWithConfig_PrintsOnlyTheValue()
    {
        using var dir = new TempFolder();
        var (app, config, url) = await StartOnFreePortAsync(dir);
        await using var broker = app;
        var credential = await IssueAsync(dir, config, url);

        var (exit, output) = await CliRunner.RunAsync("token", "inspect", "-c", config, "--claim", "aud", credential);

        Assert.Equal(0, exit);
        Assert.Equal("https://crm.acme.example", output.Trim());
    }

    [Fact]
    public async Task Inspect_BrokerNotListening_ExitsThreeAndSaysHowToNameIt()
    {
        using var dir = new TempFolder();
        var (config, _) = WriteConfig(dir, port: LoopbackPort.Refused);
        var (_, token) = await CliRunner.RunAsync("dev", "token", "-c", config, "--issuer", "workloads", "--sub", "spiffe://acme.example/agents/a");

        var (exit, output) = await CliRunner.RunAsync("token", "inspect", "-c", config, token.Trim());

        Assert.Equal(3, exit);
        Assert.Contains("--broker", output);
        Assert.Contains("MANDATE_URL", output);
    }

    [Fact]
    public async Task Inspect_BrokerNotAUrl_ExitsTwoNamingIt()
    {
        using var dir = new TempFolder();
        var (config, _) = WriteConfig(dir);
        var (_, token) = await CliRunner.RunAsync("dev", "token", "-c", config, "--issuer", "workloads", "--sub", "spiffe://acme.example/agents/a");

        var (exit, output) = await CliRunner.RunAsync("token", "inspect", "--broker", "ftp://example", token.Trim());

        Assert.Equal(2, exit);
        Assert.Contains("'ftp://example' is not a broker URL", output);
    }

    [Theory]
    [InlineData("abc.def.ghi")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2ln")]
    public async Task Inspect_ShapedLikeAJwtButNotDecodable_ExitsTwoSayingNotAJwt(string token)
    {
        var (exit, output) = await CliRunner.RunAsync("token", "inspect", "--broker", "http://127.0.0.1:9", token);

        Assert.True(exit == 2, output);
        Assert.Contains("error: not a JWT: its header or payload is not base64url-encoded JSON", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_TokenOfAnotherBroker_NamesBothIssuersAndHowToChoose_AlsoForOneClaim()
    {
        using var issuing = new TempFolder();
        using var other = new TempFolder();
        var (issuingApp, issuingConfig, issuingUrl) = await StartOnFreePortAsync(issuing);
        await using var issuingBroker = issuingApp;
        var (otherApp, otherConfig, otherUrl) = await StartOnFreePortAsync(other);
        await using var otherBroker = otherApp;
        var credential = await IssueAsync(issuing, issuingConfig, issuingUrl);

        var (exit, output) = await CliRunner.RunAsync("token", "inspect", "-c", otherConfig, credential);
        var (claimExit, claimOutput) = await CliRunner.RunAsync("token", "inspect", "-c", otherConfig, "--claim", "jti", credential);

        Assert.Equal(1, exit);
        Assert.Contains($"invalid: issued by '{issuingUrl}', but the broker at {otherUrl}/ is '{otherUrl}'", output, StringComparison.Ordinal);
        Assert.Contains("--broker URL or -c CONFIG", output, StringComparison.Ordinal);
        Assert.Equal(1, claimExit);
        Assert.Contains($"does not verify against the broker: issued by '{issuingUrl}'", claimOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_HttpsToAPlainHttpBroker_NamesTheTlsCauseInsteadOfAnInnerException()
    {
        using var dir = new TempFolder();
        var (app, config, url) = await StartOnFreePortAsync(dir);
        await using var broker = app;
        var credential = await IssueAsync(dir, config, url);

        var (exit, output) = await CliRunner.RunAsync("token", "inspect", "--broker", url.Replace("http://", "https://", StringComparison.Ordinal), credential);

        Assert.Equal(2, exit);
        Assert.Contains("The SSL connection could not be established (", output, StringComparison.Ordinal);
        Assert.DoesNotContain("inner exception", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_Rs256Credential_VerifiesWithTheBrokersRsaKey()
    {
        using var dir = new TempFolder();
        var (app, config, url) = await StartOnFreePortAsync(dir, ", signing_alg: RS256");
        await using var broker = app;
        var credential = await IssueAsync(dir, config, url);

        var (exit, output) = await CliRunner.RunAsync("token", "inspect", "-c", config, credential);

        Assert.True(exit == 0, output);
        Assert.Contains("\"alg\":\"RS256\"", output, StringComparison.Ordinal);
        Assert.Contains("valid", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_Hs256WithTheRsaPublicKeyAsSecret_IsInvalid()
    {
        using var dir = new TempFolder();
        var (app, config, url) = await StartOnFreePortAsync(dir, ", signing_alg: RS256");
        await using var broker = app;
        var credential = await IssueAsync(dir, config, url);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var jwks = JsonDocument.Parse(await http.GetStringAsync(new Uri(url + "/.well-known/jwks.json")));
        var rsa = jwks.RootElement.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("kty").GetString() == "RSA");
        var parts = credential.Split('.');
        // RFC 8725 §2.1: the published RSA key misused as an HMAC secret must not verify (algorithm confusion).
        var header = System.Buffers.Text.Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", kid = rsa.GetProperty("kid").GetString(), typ = "at+jwt" }));
        var mac = System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(rsa.GetRawText()), System.Text.Encoding.ASCII.GetBytes(header + "." + parts[1]));
        var forged = header + "." + parts[1] + "." + System.Buffers.Text.Base64Url.EncodeToString(mac);

        var (exit, output) = await CliRunner.RunAsync("token", "inspect", "-c", config, forged);

        Assert.True(exit == 1, output);
        Assert.Contains("invalid", output, StringComparison.Ordinal);
    }

    private static (string Config, string Url) WriteConfig(TempFolder dir, string crmSettings = "", int? port = null)
    {
        var url = $"http://127.0.0.1:{port ?? LoopbackPort.Free()}";
        dir.Write("policy.yaml", """
            rules:
              - id: nightly-reads-crm
                reason: The nightly job reads the CRM on its own, without a user.
                effect: allow
                agents: ["spiffe://acme.example/agents/a"]
                tools: [crm]
                scopes: [crm:read]
                subject: agent
                tenant: any
            """);
        var config = dir.Write("mandate.yaml", $$"""
            trust_domain: acme.example
            issuer: {{url}}
            listen: {{url}}
            data_dir: data
            policy: policy.yaml
            issuers:
              - { name: workloads, kind: workload, issuer: https://spire.acme.example, jwks_file: data/workloads.jwks.json, dev_signer: true }
            tools:
              - { name: crm, resource: https://crm.acme.example, scopes: [crm:read]{{crmSettings}} }
            agents:
              - { id: spiffe://acme.example/agents/a, tenants: [acme], tools: [crm] }
            """);
        return (config, url);
    }

    /// <summary>A broker listening at its configured address, a port free when chosen: another may take it first, then it retries.</summary>
    private static async Task<(MandateApp App, string Config, string Url)> StartOnFreePortAsync(TempFolder dir, string crmSettings = "")
    {
        for (var attempt = 1; ; attempt++)
        {
            var (config, url) = WriteConfig(dir, crmSettings);
            try
            {
                var app = await MandateServer.CreateAsync(ConfigLoader.LoadFile(config), TestBroker.Options() with { ListenUrl = url });
                try
                {
                    await app.StartAsync();
                }
                catch
                {
                    await app.DisposeAsync();
                    throw;
                }

                return (app, config, url);
            }
            catch (ListenerInUseException) when (attempt < 5)
            {
                // Taken between the probe and the bind: try another.
            }
        }
    }

    /// <summary>A background exchange: the agent's own JWT-SVID is the subject.</summary>
    private static async Task<string> IssueAsync(TempFolder dir, string config, string url)
    {
        var (_, agent) = await CliRunner.RunAsync("dev", "token", "-c", config, "--issuer", "workloads", "--sub", "spiffe://acme.example/agents/a");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.PostAsync(new Uri(url + "/oauth2/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["subject_token"] = agent.Trim(),
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["actor_token"] = agent.Trim(),
            ["actor_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["resource"] = "https://crm.acme.example",
            ["scope"] = "crm:read",
            ["tenant"] = "acme",
        }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.GetRawText() + " in " + dir.Path);
        return body.GetProperty("access_token").GetString()!;
    }
}
