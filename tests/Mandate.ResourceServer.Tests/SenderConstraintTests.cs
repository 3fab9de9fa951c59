using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;
using Mandate.SenderConstraint;
using Mandate.Testing;

namespace Mandate.ResourceServer.Tests;

/// <summary>
/// A sender-constrained credential works only for its holder: DPoP-bound (cnf.jkt, RFC 9449 §7) with a fresh proof by the
/// bound key for this request; certificate-bound (cnf.x5t#S256, RFC 8705 §3) over TLS with that certificate.
/// </summary>
public sealed class SenderConstraintTests : ToolTest
{
    [Fact]
    public async Task DpopBoundCredentialFromTheBroker_WithAFreshProofByTheBoundKey_IsAccepted()
    {
        using var key = new DpopProofs();
        var credential = await Harness.DpopCredentialAsync(key, ToolKind.Refunds, "refunds:write");

        var reply = await PostWithProofAsync(credential, Proof(key, credential));

        Assert.Equal(key.Thumbprint, ((Dictionary<string, object>)ForgedTokens.Claims(credential)["cnf"])["jkt"].ToString());
        Assert.Equal(201, reply.Status);
    }

    [Fact]
    public async Task DpopBoundCredential_PresentedAsBearer_IsRefused_EvenWithAValidProof()
    {
        using var key = new DpopProofs();
        var credential = await Harness.DpopCredentialAsync(key, ToolKind.Refunds, "refunds:write");

        var reply = await PostWithProofAsync(credential, Proof(key, credential), scheme: "Bearer");

        CredentialValidationTests.AssertInvalidToken(reply, "DPoP-bound");
    }

    [Fact]
    public async Task DpopBoundCredential_WithoutAProof_IsRefusedWithInvalidDpopProof()
    {
        using var key = new DpopProofs();
        var credential = await Harness.DpopCredentialAsync(key, ToolKind.Refunds, "refunds:write");

        var reply = await PostWithProofAsync(credential, proof: null);

        AssertInvalidProof(reply);
    }

    [Fact]
    public async Task DpopBoundCredential_WithAReplayedProof_IsRefused()
    {
        using var key = new DpopProofs();
        var credential = await Harness.DpopCredentialAsync(key, ToolKind.Refunds, "refunds:write");
        var proof = Proof(key, credential);

        var first = await PostWithProofAsync(credential, proof);
        var replay = await PostWithProofAsync(credential, proof);

        Assert.Equal(201, first.Status);
        AssertInvalidProof(replay, "already used");
    }

    [Fact]
    public async Task DpopBoundCredential_WithAnotherKeysProof_IsRefused()
    {
        using var key = new DpopProofs();
        using var thief = new DpopProofs();
        var credential = await Harness.DpopCredentialAsync(key, ToolKind.Refunds, "refunds:write");

        var reply = await PostWithProofAsync(credential, Proof(thief, credential));

        AssertInvalidProof(reply, "another key");
    }

    [Fact]
    public async Task DpopProof_ForAnotherUrlMethodOrToken_OrStale_IsRefused()
    {
        using var key = new DpopProofs();
        var credential = await Harness.DpopCredentialAsync(key, ToolKind.Refunds, "refunds:write");
        var other = await Harness.DpopCredentialAsync(key, ToolKind.Refunds, "refunds:write");
        var now = Harness.Clock.GetUtcNow();
        var url = new Uri(Refunds.Address, "/refunds").ToString();

        AssertInvalidProof(await PostWithProofAsync(credential, key.Create("POST", new Uri(Refunds.Address, "/refunds/rf_1").ToString(), now, accessToken: credential)), "htu");
        AssertInvalidProof(await PostWithProofAsync(credential, key.Create("GET", url, now, accessToken: credential)), "htm");
        AssertInvalidProof(await PostWithProofAsync(credential, key.Create("POST", url, now, accessToken: other)), "ath");
        AssertInvalidProof(await PostWithProofAsync(credential, key.Create("POST", url, now)), "ath");
        AssertInvalidProof(await PostWithProofAsync(credential, key.Create("POST", url, now - TimeSpan.FromMinutes(5), accessToken: credential)), "iat");
        AssertInvalidProof(await PostWithProofAsync(credential, key.CreateUnsigned("POST", url, now)), "alg");
    }

    [Fact]
    public async Task BearerCredential_PresentedWithTheDpopScheme_IsRefused()
    {
        var bearer = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        CredentialValidationTests.AssertInvalidToken(await Refunds.PostAsync("/refunds", bearer, RefundBody, scheme: "DPoP"), "not DPoP-bound");
    }

    [Fact]
    public async Task CertificateBoundCredential_OverTlsWithThatCertificate_IsAccepted_WithoutOrWithAnotherIsRefused()
    {
        using var serverCertificate = Certificate("CN=refunds.acme.example");
        using var agentCertificate = Certificate("CN=support-agent");
        using var otherCertificate = Certificate("CN=someone-else");
        var tool = await Harness.StartToolAsync(ToolKind.Refunds, serverCertificate: serverCertificate);
        var credential = Harness.Forge(await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write"),
            c => c["cnf"] = new Dictionary<string, object> { ["x5t#S256"] = CertificateThumbprint.X5tS256(agentCertificate) });

        var holder = await Harness.Connect(tool, serverCertificate, agentCertificate).PostAsync("/refunds", credential, RefundBody);
        var noCertificate = await Harness.Connect(tool, serverCertificate, null).PostAsync("/refunds", credential, RefundBody);
        var other = await Harness.Connect(tool, serverCertificate, otherCertificate).PostAsync("/refunds", credential, RefundBody);

        Assert.Equal(201, holder.Status);
        CredentialValidationTests.AssertInvalidToken(noCertificate, "presented none");
        CredentialValidationTests.AssertInvalidToken(other, "different client certificate");
    }

    [Fact]
    public async Task CertificateBoundCredential_OverPlainHttp_IsRefused()
    {
        using var agentCertificate = Certificate("CN=support-agent");
        var credential = Harness.Forge(await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write"),
            c => c["cnf"] = new Dictionary<string, object> { ["x5t#S256"] = CertificateThumbprint.X5tS256(agentCertificate) });

        CredentialValidationTests.AssertInvalidToken(await Refunds.PostAsync("/refunds", credential, RefundBody), "presented none");
    }

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("[::1]:70000")]
    public async Task DpopProof_WhenTheRequestsHostFormsNoUrl_IsRefusedWithInvalidDpopProofNot500(string host)
    {
        using var key = new DpopProofs();
        var credential = await Harness.DpopCredentialAsync(key, ToolKind.Refunds, "refunds:write");
        var proof = key.Create("POST", $"http://{host}/refunds", Harness.Clock.GetUtcNow(), accessToken: credential);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(Refunds.Address.Host, Refunds.Address.Port);
        await using var stream = tcp.GetStream();

        // RFC 9449 §4.3: the proof is checked against the request's URL; a Host that forms none is a bad proof, never a 500.
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"POST /refunds HTTP/1.1\r\nHost: {host}\r\nAuthorization: DPoP {credential}\r\nDPoP: {proof}\r\nContent-Type: application/json\r\nContent-Length: {RefundBody.Length}\r\nConnection: close\r\n\r\n{RefundBody}"));
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 401 ", text, StringComparison.Ordinal);
        Assert.Contains("error=\"invalid_dpop_proof\"", text, StringComparison.Ordinal);
    }

    private string Proof(DpopProofs key, string credential) =>
        key.Create("POST", new Uri(Refunds.Address, "/refunds").ToString(), Harness.Clock.GetUtcNow(), accessToken: credential);

    private Task<ToolReply> PostWithProofAsync(string credential, string? proof, string scheme = "DPoP") =>
        Refunds.SendAsync(HttpMethod.Post, "/refunds", credential, scheme, RefundBody, r =>
        {
            if (proof is not null)
            {
                r.Headers.Add("DPoP", proof);
            }
        });

    private static void AssertInvalidProof(ToolReply reply, string? descriptionContains = null)
    {
        Assert.Equal(401, reply.Status);
        Assert.Equal("invalid_dpop_proof", reply.DpopError);
        Assert.Equal("invalid_dpop_proof", reply.Json.GetProperty("error").GetString());
        if (descriptionContains is not null)
        {
            Assert.Contains(descriptionContains, reply.Json.GetProperty("error_description").GetString());
        }
    }

    internal static X509Certificate2 Certificate(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
