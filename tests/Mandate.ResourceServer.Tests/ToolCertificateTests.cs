using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;
using Mandate.SenderConstraint;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.ResourceServer.Tests;

/// <summary>
/// A tool of kind x509 accepts Mandate tool credential certificates over real mutual TLS (Kestrel on 127.0.0.1) with
/// <c>AcceptToolCertificates</c>: chained to the broker's SPIFFE bundle, within validity, for this tool, and then
/// authorised by the same scope and tenant requirements as a JWT credential.
/// </summary>
public sealed class ToolCertificateTests : IAsyncLifetime
{
    private ToolHarness? _harness;
    private X509Certificate2? _serverCertificate;
    private ToolClient? _crm;

    private ToolHarness Harness => _harness!;

    private X509Certificate2 ServerCertificate => _serverCertificate!;

    /// <summary>The test broker with Mandate's SPIFFE CA on and the crm tool taking X.509 client certificates.</summary>
    private static string Configuration
    {
        get
        {
            var crm = $"workloads: [{ToolKind.Crm.Workload}] }}";
            Assert.Contains(crm, ToolBroker.Configuration, StringComparison.Ordinal);
            return ToolBroker.Configuration.Replace(crm, $"workloads: [{ToolKind.Crm.Workload}], kind: x509 }}", StringComparison.Ordinal);
        }
    }

    public async Task InitializeAsync()
    {
        _harness = await ToolHarness.StartAsync(ToolHarness.WorkloadEndpointConfiguration, Configuration);
        _serverCertificate = SenderConstraintTests.Certificate("CN=crm.acme.example");
        _crm = await Harness.StartToolAsync(ToolKind.Crm, o => o.AcceptToolCertificates = true, serverCertificate: ServerCertificate);
    }

    public async Task DisposeAsync()
    {
        _serverCertificate?.Dispose();
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task ToolCredential_ReadScopeGranted_ReadPassesWriteIsInsufficientScope()
    {
        using var credential = await ToolCredentialAsync("crm:read");
        var tool = Harness.Connect(_crm!, ServerCertificate, credential);

        var read = await tool.GetAsync("/customers/c-100", null);
        var write = await tool.SendAsync(HttpMethod.Patch, "/customers/c-100", null, "Bearer", """{"tier":"platinum"}""");

        // The tenant of the credential (acme) picks the customer, as with a JWT credential.
        Assert.True(read.Status == 200, read.Body);
        Assert.Equal("Alice Example", read.Json.GetProperty("name").GetString());
        Assert.Equal((403, "insufficient_scope"), (write.Status, write.Error));
    }

    [Fact]
    public async Task ToolCredentialForAnotherTool_RefusedByAudience()
    {
        // The crm credential at the code service, which also accepts tool credential certificates.
        using var credential = await ToolCredentialAsync("crm:read");
        var code = await Harness.StartToolAsync(ToolKind.Code, o => o.AcceptToolCertificates = true, serverCertificate: ServerCertificate);

        var reply = await Harness.Connect(code, ServerCertificate, credential).GetAsync("/repos/mandate/files", null);

        AssertInvalidToken(reply, "for another tool", ToolKind.Code.Resource);
    }

    [Fact]
    public async Task AgentsOwnIdentitySvid_RefusedAsNoToolCredential()
    {
        using var svid = Harness.Broker.Runtime.Spiffe!.IssueX509Svid(ToolBroker.SupportAgent, TimeSpan.FromHours(1));
        using var identity = WithKey(svid.Certificate, svid.PrivateKey!);

        var reply = await Harness.Connect(_crm!, ServerCertificate, identity).GetAsync("/customers/c-100", null);

        AssertInvalidToken(reply, "not a Mandate tool credential", "token exchange");
    }

    [Fact]
    public async Task ExpiredToolCredential_Refused()
    {
        using var credential = await ToolCredentialAsync("crm:read");
        Harness.Clock.Advance(credential.NotAfter.ToUniversalTime() - Harness.Clock.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(1));

        var reply = await Harness.Connect(_crm!, ServerCertificate, credential).GetAsync("/customers/c-100", null);

        AssertInvalidToken(reply, "outside its validity");
    }

    [Fact]
    public async Task ToolCredentialSignedByAnotherCa_Refused()
    {
        // The same names and the same stated decision as a real credential, signed by a CA the broker's bundle does not hold.
        using var real = await ToolCredentialAsync("crm:read");
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Other CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caRequest.CreateSelfSigned(real.NotBefore.AddDays(-1), real.NotAfter.AddDays(1));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("O=Mandate", key, HashAlgorithmName.SHA256);
        foreach (var extension in real.Extensions.Where(e => e.Oid?.Value is "2.5.29.17" or "2.5.29.37" or "2.5.29.15" || e.Oid?.Value == ToolCredentialExtension.Oid))
        {
            request.CertificateExtensions.Add(extension);
        }

        using var forged = request.Create(ca, real.NotBefore, real.NotAfter, [0x42, 0x01]);
        using var presented = WithKey(forged, key);

        var reply = await Harness.Connect(_crm!, ServerCertificate, presented).GetAsync("/customers/c-100", null);

        AssertInvalidToken(reply, "does not chain to the broker's SPIFFE trust bundle");
    }

    [Fact]
    public async Task NoClientCertificateNoHeader_ChallengedAsBefore()
    {
        var reply = await Harness.Connect(_crm!, ServerCertificate, null).GetAsync("/customers/c-100", null);

        Assert.Equal(401, reply.Status);
        Assert.StartsWith("Bearer realm=", reply.Bearer, StringComparison.Ordinal);
        Assert.Null(reply.Error);
    }

    /// <summary>The support agent's certificate for crm from the broker's token exchange, with the key it generated for the CSR.</summary>
    private async Task<X509Certificate2> ToolCredentialAsync(string scope)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var response = await Harness.BrokerHttp.PostAsync("oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["subject_token"] = Harness.UserToken(),
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["actor_token"] = Harness.Svid(ToolBroker.SupportAgent),
            ["actor_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["resource"] = ToolKind.Crm.Resource,
            ["scope"] = scope,
            ["mandate_csr"] = Base64UrlEncoder.Encode(new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequest()),
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        using var issued = X509Certificate2.CreateFromPem(json.RootElement.GetProperty("access_token").GetString());
        return WithKey(issued, key);
    }

    /// <summary>Through PKCS#12 so the private key is usable by SslStream on every platform.</summary>
    private static X509Certificate2 WithKey(X509Certificate2 certificate, ECDsa key)
    {
        using var withKey = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private static void AssertInvalidToken(ToolReply reply, params string[] reasons)
    {
        Assert.True(reply.Status == 401, reply.Body);
        Assert.Equal("invalid_token", reply.Error);
        foreach (var reason in reasons)
        {
            Assert.Contains(reason, reply.Description, StringComparison.Ordinal);
        }
    }
}
