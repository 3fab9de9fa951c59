using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mandate.Core.Credentials.X509;
using Mandate.Core.Spiffe;
using Mandate.SenderConstraint;
using Mandate.Server.Tests.Harness;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>
/// Tools of kind x509: the agent sends a CSR in the token exchange and gets a short-lived client certificate for its own SPIFFE ID,
/// whatever else the CSR asks for, no CA and never longer-lived than the decided credential.
/// </summary>
public sealed class X509ToolCredentialTests : IAsyncLifetime
{
    private BrokerHarness? _broker;

    private BrokerHarness Broker => _broker!;

    /// <summary>The test broker with the crm tool as an mTLS tool: same resource and scopes, credential kind x509.</summary>
    internal static string X509CrmConfiguration
    {
        get
        {
            var configuration = TestBroker.Configuration.Replace(
                $"workloads: [{TestBroker.CrmWorkload}] }}", $"workloads: [{TestBroker.CrmWorkload}], kind: x509 }}", StringComparison.Ordinal);
            Assert.Contains("kind: x509", configuration, StringComparison.Ordinal);
            return configuration;
        }
    }

    public async Task InitializeAsync() =>
        _broker = await BrokerHarness.StartAsync(TestBroker.Policy, SpiffeBrokerTest.SpiffeConfiguration, configuration: X509CrmConfiguration);

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    [Fact]
    public async Task Exchange_X509ToolWithCsr_IssuesAClientCertificateForTheAgentChainingToTheBundle()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = Base64UrlEncoder.Encode(new CertificateRequest("CN=ignored", key, HashAlgorithmName.SHA256).CreateSigningRequest());

        var reply = await ExchangeAsync(csr);

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        Assert.Equal(X509CredentialKind.X509TokenType, reply.Member("issued_token_type"));
        Assert.Equal("N_A", reply.Member("token_type"));
        Assert.Equal(90, reply.Json.GetProperty("expires_in").GetInt32());
        using var cert = X509Certificate2.CreateFromPem(reply.AccessToken);
        Assert.Equal(TestBroker.SupportAgent, SpiffeCertificates.SpiffeIdOf(cert));
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), cert.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(Broker.Now.UtcDateTime.AddSeconds(90), cert.NotAfter.ToUniversalTime());
        using var chain = NewChain();
        Assert.True(chain.Build(cert));
        var issued = Assert.Single(await Broker.AuditEventsAsync("issuance"));
        Assert.Equal("x509", issued.Evidence["credential_kind"]);
        Assert.Equal(cert.SerialNumber, issued.Evidence["serial"]);
        Assert.Equal("crm", issued.Tool);
        // The certificate states the decision the audit recorded: this tool, tenant, user, run, scope, credential id and policy.
        var stated = ToolCredentialExtension.Read(cert, out var error);
        Assert.True(stated is not null, error);
        Assert.Equal(
            (TestBroker.Crm, "crm", "acme", "alice", issued.Run, "crm:read", issued.Jti, issued.PolicyVersion, issued.DecisionId),
            (stated.Audience, stated.Tool, stated.Tenant, stated.User, stated.Run, stated.Scope, stated.Jti, stated.PolicyVersion, stated.DecisionId));
        Assert.Equal(ToolCredentialExtension.JtiOf(cert.SerialNumber), stated.Jti);
        Assert.False(string.IsNullOrEmpty(stated.Run));
        Assert.Equal("crm", issued.Tool);
    }

    private X509Chain NewChain()
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = Broker.Now.UtcDateTime;
        chain.ChainPolicy.CustomTrustStore.Add(Broker.Runtime.Spiffe!.CaCertificate);
        return chain;
    }

    [Theory]
    [InlineData("pem")]
    [InlineData("base64")]
    public async Task Exchange_X509ToolWithPemOrPaddedBase64Csr_IsAccepted(string encoding)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256);
        var csr = encoding == "pem" ? request.CreateSigningRequestPem() : Convert.ToBase64String(request.CreateSigningRequest());

        var reply = await ExchangeAsync(csr);

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
    }

    [Fact]
    public async Task Exchange_X509ToolWithoutCsr_IsInvalidRequestAndIssuesNothing()
    {
        var reply = await ExchangeAsync(null);

        Expect.Refused(reply, "invalid_request", "mandate_csr");
        await Broker.AssertNothingIssuedAsync();
    }

    [Theory]
    [InlineData("not-base64-!!")]
    [InlineData("tampered")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")]
    public async Task Exchange_X509ToolWithBadCsr_IsInvalidRequestAndIssuesNothing(string csr)
    {
        if (csr == "tampered")
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var der = new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequest();
            der[^3] ^= 0x5A;
            csr = Base64UrlEncoder.Encode(der);
        }

        var reply = await ExchangeAsync(csr);

        Expect.Refused(reply, "invalid_request", "mandate_csr");
        await Broker.AssertNothingIssuedAsync();
    }

    [Theory]
    [InlineData("signature algorithm")]
    [InlineData("curve")]
    public async Task Invariant7_CsrWithUnknownAlgorithmOrCurve_InvalidRequestNot500AndNothingIssued(string unknown)
    {
        // Found by the fuzz harness: the CSR reader threw NotSupportedException for an OID it does not know, and the
        // exchange answered 500. RFC 6749 §5.2: a malformed parameter is invalid_request.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        byte[] oid = unknown == "curve"
            ? [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]  // prime256v1 -> 1.2.840.10045.3.1.99
            : [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02]; // ecdsa-with-SHA256 -> 1.2.840.10045.4.3.99
        var at = der.AsSpan().LastIndexOf(oid);
        Assert.True(at > 0);
        der[at + oid.Length - 1] = 0x63;

        var reply = await ExchangeAsync(Base64UrlEncoder.Encode(der));

        Expect.Refused(reply, "invalid_request", "mandate_csr");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_X509ToolScopeThePolicyDenies_IsRefusedBeforeAnyCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = Base64UrlEncoder.Encode(new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequest());

        var reply = await ExchangeAsync(csr, "crm:write");

        Assert.NotEqual(HttpStatusCode.OK, reply.Status);
        Assert.DoesNotContain("CERTIFICATE", reply.Body, StringComparison.Ordinal);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_X509ToolUnderRequireApproval_RefusedNamingTheRuleAndNoApprovalRecorded()
    {
        // The approval poll mints access tokens; an mTLS tool would get the wrong credential, so the request is refused up front.
        var rule = TestBroker.Policy.IndexOf("id: support-reads-crm", StringComparison.Ordinal);
        var effect = TestBroker.Policy.IndexOf("effect: allow", rule, StringComparison.Ordinal);
        var policy = string.Concat(TestBroker.Policy.AsSpan(0, effect), "effect: require_approval", TestBroker.Policy.AsSpan(effect + "effect: allow".Length));
        await using var broker = await BrokerHarness.StartAsync(policy, SpiffeBrokerTest.SpiffeConfiguration, configuration: X509CrmConfiguration);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var form = (broker.RefundRequest() with { Resource = TestBroker.Crm, Scope = "crm:read" }).ToForm().ToList();
        form.Add(new(X509CredentialKind.CsrParameter, Base64UrlEncoder.Encode(new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequest())));

        var reply = await broker.PostFormAsync("oauth2/token", form);

        Expect.Refused(reply, "invalid_target", "support-reads-crm", "cannot be issued through an approval");
        Assert.Empty(await broker.AuditEventsAsync("approval_requested"));
    }

    [Fact]
    public async Task Invariant2_StoreLocked_NoCertificateIssued()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = Base64UrlEncoder.Encode(new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequest());

        var reply = await Broker.WhileStoreLockedAsync(() => ExchangeAsync(csr));

        Expect.Refused(reply, "temporarily_unavailable", "no certificate was issued");
        Assert.Empty(await Broker.AuditEventsAsync("issuance"));
    }

    [Fact]
    public async Task Invariant3_CsrAskingForAnotherIdentityNamesAndCaRights_CertificateHoldsOnlyTheAgentsOwnId()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName("admin,O=evil=1\nCN=x\0y" + new string('z', 4096));
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddUri(new Uri(TestBroker.OrchestratorAgent));
        sans.AddDnsName("ledger.acme.example");
        request.CertificateExtensions.Add(sans.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));

        using var cert = X509Certificate2.CreateFromPem(Expect.Issued(await ExchangeAsync(Base64UrlEncoder.Encode(request.CreateSigningRequest()))));

        Assert.Equal("O=Mandate", cert.Subject);
        var san = new AsnReader(cert.Extensions.Single(e => e.Oid?.Value == "2.5.29.17").RawData, AsnEncodingRules.DER).ReadSequence();
        Assert.Equal(TestBroker.SupportAgent, san.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, 6)));
        Assert.False(san.HasData);
        Assert.False(cert.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, cert.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
    }

    [Fact]
    public async Task Invariant4_RequestedLifetimeAboveTheRulesMaxLifetime_InvalidRequest_NoCertificate()
    {
        // support-reads-crm says max_lifetime: 90s.
        var reply = await ExchangeAsync(NewCsr(), lifetime: 91);

        Expect.Refused(reply, "invalid_request", "support-reads-crm");
        Assert.DoesNotContain("CERTIFICATE", reply.Body, StringComparison.Ordinal);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant4_ShorterRequestedLifetime_NotAfterIsExactlyIt()
    {
        var reply = await ExchangeAsync(NewCsr(), lifetime: 30);

        using var cert = X509Certificate2.CreateFromPem(Expect.Issued(reply));
        Assert.Equal(Broker.Now.UtcDateTime.AddSeconds(30), cert.NotAfter.ToUniversalTime());
        Assert.Equal(30, reply.Json.GetProperty("expires_in").GetInt32());
        var exp = Assert.Single(await Broker.AuditEventsAsync("issuance")).Evidence["exp"];
        Assert.Equal(new DateTimeOffset(cert.NotAfter.ToUniversalTime()).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), exp);
    }

    [Fact]
    public async Task Invariant3_ToolOfAnotherKindWithACsr_GetsItsOwnKindsCredential_NoCertificate()
    {
        var form = Broker.RefundRequest().ToForm().ToList();
        form.Add(new(X509CredentialKind.CsrParameter, NewCsr()));

        var reply = await Broker.PostFormAsync("oauth2/token", form);

        Assert.Equal("urn:ietf:params:oauth:token-type:access_token", reply.Member("issued_token_type"));
        Assert.DoesNotContain("CERTIFICATE", reply.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("serial", Assert.Single(await Broker.AuditEventsAsync("issuance")).Evidence.Keys);
    }

    private static string NewCsr()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return Base64UrlEncoder.Encode(new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequest());
    }

    [Fact]
    public async Task Exchange_X509ToolAskedForItsOwnTokenType_IssuesTheCertificateAsThatType()
    {
        // RFC 8693 §2.1: requested_token_type names the type wanted; the kind's own type is served as that type.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = Base64UrlEncoder.Encode(new CertificateRequest("CN=ignored", key, HashAlgorithmName.SHA256).CreateSigningRequest());

        var reply = await ExchangeAsync(csr, requestedType: X509CredentialKind.X509TokenType);

        Assert.True(reply.Status == HttpStatusCode.OK, reply.ToString());
        Assert.Equal(X509CredentialKind.X509TokenType, reply.Member("issued_token_type"));
        using var cert = X509Certificate2.CreateFromPem(reply.AccessToken);
        Assert.Equal(TestBroker.SupportAgent, SpiffeCertificates.SpiffeIdOf(cert));
    }

    private Task<OAuthReply> ExchangeAsync(string? csr, string scope = "crm:read", int? lifetime = null, string? requestedType = null)
    {
        var form = (Broker.RefundRequest() with { Resource = TestBroker.Crm, Scope = scope, RequestedLifetime = lifetime, RequestedTokenType = requestedType }).ToForm().ToList();
        if (csr is not null)
        {
            form.Add(new(X509CredentialKind.CsrParameter, csr));
        }

        return Broker.PostFormAsync("oauth2/token", form);
    }
}
