using Mandate.SenderConstraint;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>
/// With Mandate as the SPIFFE CA of its trust domain, the X.509-SVIDs it issues authenticate over mTLS
/// with no bundle file, and no other CA can vouch for that domain.
/// </summary>
public sealed class OwnCaSvidTests : IAsyncLifetime
{
    private const string Configuration = """
        tls: { certificate_file: server.pem, key_file: server.key }
        spiffe: { enabled: true }
        """;

    private MtlsBroker? _mtls;

    private MtlsBroker Mtls => _mtls!;

    public async Task InitializeAsync() => _mtls = await MtlsBroker.StartAsync(configuration: Configuration);

    public async Task DisposeAsync() => await Mtls.DisposeAsync();

    private ExchangeRequest CertificateOnlyRefund() => Mtls.Broker.RefundRequest() with { ActorToken = null, ActorTokenType = null };

    [Fact]
    public async Task Exchange_SvidFromMandatesOwnCa_IsAcceptedWithoutBundleFile()
    {
        using var svid = Mtls.Broker.Runtime.Spiffe!.IssueX509Svid(TestBroker.SupportAgent, TimeSpan.FromHours(1));
        using var certificate = System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions.CopyWithPrivateKey(svid.Certificate, svid.PrivateKey!);

        var token = Expect.Issued(await Mtls.ExchangeAsync(certificate, CertificateOnlyRefund()));

        var jwt = IssuedTokens.Read(token);
        Assert.Equal(TestBroker.SupportAgent, jwt.GetPayloadValue<string>("client_id"));
        Assert.Equal(CertificateThumbprint.X5tS256(certificate), ConfirmationClaim.FromToken(jwt)?.X5tS256);
    }

    [Fact]
    public async Task Exchange_SvidOfOwnDomainFromAnotherCa_IsRefused()
    {
        // The acme.example test CA is not Mandate's CA; with no configured bundle it cannot speak for acme.example.
        using var forged = Mtls.Svid(TestBroker.SupportAgent);

        var reply = await Mtls.ExchangeAsync(forged, CertificateOnlyRefund());

        Expect.Refused(reply, "invalid_client", "does not chain");
    }
}
