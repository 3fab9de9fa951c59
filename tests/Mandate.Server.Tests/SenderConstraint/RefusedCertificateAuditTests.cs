using Mandate.Core.Audit;
using Mandate.SenderConstraint;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>
/// A refused client certificate is audited, but a caller that keeps one TLS connection open and sends the same refused
/// certificate's requests over it cannot make the broker write one record per request (the store would grow without bound).
/// </summary>
public sealed class RefusedCertificateAuditTests : MtlsTest
{
    private const int Requests = 50;

    [Fact]
    public async Task Invariant7_SelfSignedCertificateOnOneKeepAliveConnection_EveryRequestRefusedAndOneAuditRecord()
    {
        using var selfSigned = TestPki.SelfSignedSvid(TestBroker.SupportAgent, Broker.Now.AddMinutes(-5), Broker.Now.AddHours(1));
        using var client = Mtls.Client(selfSigned, maxConnections: 1);

        for (var i = 0; i < Requests; i++)
        {
            using var content = new FormUrlEncodedContent(Broker.RefundRequest().ToForm());
            using var response = await client.PostAsync("oauth2/token", content);
            var reply = await OAuthReply.ReadAsync(response);
            Expect.Refused(reply, "invalid_client", "X.509-SVID refused", "does not chain");
        }

        var refusal = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ClientAuthentication));
        Assert.Equal("refused", refusal.Outcome);
        Assert.Equal(CertificateThumbprint.X5tS256(selfSigned), refusal.Evidence["client_cert_x5t_s256"]);
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task RefusedCertificate_OnTwoConnections_IsAuditedOnEach()
    {
        using var selfSigned = TestPki.SelfSignedSvid(TestBroker.SupportAgent, Broker.Now.AddMinutes(-5), Broker.Now.AddHours(1));

        // Each client opens its own TLS connection: one record proves each attempt.
        for (var i = 0; i < 2; i++)
        {
            Expect.Refused(await Mtls.ExchangeAsync(selfSigned, Broker.RefundRequest()), "invalid_client", "does not chain");
        }

        Assert.Equal(2, (await Broker.AuditEventsAsync(AuditKinds.ClientAuthentication)).Count);
    }
}
