using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mandate.Core.Audit;
using Mandate.Core.Credentials.X509;
using Mandate.Server.Tests.Harness;
using Mandate.Server.Tests.Spiffe;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>
/// A tool credential certificate (kind x509) authorises one decided action at one tool. Its holder must not become the
/// agent: Mandate refuses it as a workload identity at every endpoint that takes X.509-SVIDs over mutual TLS, and TLS
/// clients refuse it as a server certificate.
/// </summary>
public sealed class ToolCredentialNotIdentityTests : IAsyncLifetime
{
    private const string Configuration = """
        tls: { certificate_file: server.pem, key_file: server.key }
        spiffe: { enabled: true }
        """;

    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    private MtlsBroker? _mtls;

    private MtlsBroker Mtls => _mtls!;

    private BrokerHarness Broker => Mtls.Broker;

    public async Task InitializeAsync() =>
        _mtls = await MtlsBroker.StartAsync(configuration: Configuration, brokerConfiguration: X509ToolCredentialTests.X509CrmConfiguration);

    public async Task DisposeAsync() => await Mtls.DisposeAsync();

    [Theory]
    [InlineData("exchange")]
    [InlineData("run")]
    [InlineData("approval_poll")]
    [InlineData("introspect")]
    [InlineData("revoke")]
    public async Task ToolCredentialPresentedAsTheAgentsIdentity_InvalidClientAuditedAndNothingChanges(string endpoint)
    {
        var credential = Expect.Issued(await Mtls.ExchangeAsync(null, Broker.RefundRequest()));
        using var toolCertificate = await ToolCredentialAsync();
        var issued = (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count;
        var (path, form) = endpoint switch
        {
            "exchange" => ("oauth2/token", (Broker.RefundRequest() with { ActorToken = null, ActorTokenType = null }).ToForm()),
            "run" => ("oauth2/token", (Broker.RefundRequest() with { ActorToken = null, ActorTokenType = null, Resource = null, RequestedTokenType = "urn:ietf:params:oauth:token-type:txn_token" }).ToForm()),
            "approval_poll" => ("oauth2/token", [new("grant_type", "urn:openid:params:grant-type:ciba"), new("auth_req_id", "apr_unknown")]),
            _ => ("oauth2/" + endpoint, new KeyValuePair<string, string>[] { new("token", credential) }),
        };

        var reply = await Mtls.PostAsync(toolCertificate, path, form);

        Expect.Refused(reply, "invalid_client", "is a Mandate tool credential", "not a workload identity", "Workload API");
        var refusal = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ClientAuthentication));
        Assert.Equal(("refused", "attest.tool_credential_not_identity"), (refusal.Outcome, refusal.Evidence["check"]));
        Assert.Equal(issued, (await Broker.AuditEventsAsync(AuditKinds.Issuance)).Count);
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.Revocation));
        // The credential the refused revocation named is still active for its tool.
        var active = await Mtls.PostAsync(null, "oauth2/introspect", [new("token", credential)], bearer: Broker.Svid(TestBroker.RefundsWorkload));
        Assert.True(active.Json.GetProperty("active").GetBoolean(), active.ToString());
    }

    [Fact]
    public async Task ToolCredential_IsNoTlsServerCertificate()
    {
        // A TLS client validating a server (serverAuth) refuses the certificate, though it chains to Mandate's CA as a client's.
        using var toolCertificate = await ToolCredentialAsync();

        var usages = toolCertificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages;
        Assert.Equal([ClientAuth], usages.Cast<Oid>().Select(o => o.Value));
        using var asServer = Chain(ServerAuth);
        Assert.False(asServer.Build(toolCertificate));
        Assert.Contains(asServer.ChainStatus, s => s.Status == X509ChainStatusFlags.NotValidForUsage);
        using var asClient = Chain(ClientAuth);
        Assert.True(asClient.Build(toolCertificate));
    }

    [Fact]
    public async Task WorkloadSvidOfTheSameAgent_StillAuthenticates()
    {
        // Only tool credentials are refused: the agent's own X.509-SVID from Mandate's CA is its identity as before.
        using var svid = Broker.Runtime.Spiffe!.IssueX509Svid(TestBroker.SupportAgent, TimeSpan.FromHours(1));
        using var certificate = svid.Certificate.CopyWithPrivateKey(svid.PrivateKey!);

        Expect.Issued(await Mtls.ExchangeAsync(certificate, Broker.RefundRequest() with { ActorToken = null, ActorTokenType = null }));
    }

    /// <summary>The support agent's credential for the x509 crm tool, with its private key, as the agent holds it.</summary>
    private async Task<X509Certificate2> ToolCredentialAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var form = (Broker.RefundRequest() with { Resource = TestBroker.Crm, Scope = "crm:read" }).ToForm().ToList();
        form.Add(new(X509CredentialKind.CsrParameter, Base64UrlEncoder.Encode(new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256).CreateSigningRequest())));
        using var issued = X509Certificate2.CreateFromPem(Expect.Issued(await Mtls.PostAsync(null, "oauth2/token", form)));
        using var withKey = issued.CopyWithPrivateKey(key);
        // Through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private X509Chain Chain(string usage)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = Broker.Now.UtcDateTime;
        chain.ChainPolicy.CustomTrustStore.Add(Broker.Runtime.Spiffe!.CaCertificate);
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(usage));
        return chain;
    }
}
