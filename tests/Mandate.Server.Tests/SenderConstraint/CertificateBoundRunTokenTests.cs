using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>
/// A run token bound to an X.509-SVID (cnf.x5t#S256) is used only over mutual TLS with that certificate (RFC 8705 §3):
/// with no certificate, or with a DPoP proof in its place, every use is refused and nothing is issued or recorded.
/// </summary>
public sealed class CertificateBoundRunTokenTests : MtlsTest
{
    private string TokenUrl => Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token";

    private async Task<string> StartRunOverMtlsAsync() =>
        Expect.Issued(await Mtls.ExchangeAsync(Mtls.Svid(TestBroker.SupportAgent), Broker.StartRunRequest() with { ActorToken = null, ActorTokenType = null }));

    [Fact]
    public async Task Invariant7_CertificateBoundRunTokenWithoutACertificate_RefusedAndChangesNothing()
    {
        // RFC 8705 §3: a certificate-bound token used over a connection without that certificate is refused.
        var runToken = await StartRunOverMtlsAsync();
        OAuthReply[] replies =
        [
            await Broker.AssertAuditUnchangedAsync(() => Mtls.ExchangeAsync(null, Broker.InRunRequest(runToken))),
            await Broker.AssertAuditUnchangedAsync(() => Mtls.ExchangeAsync(null, Broker.RunTokenRequest(runToken, TestBroker.SupportAgent))),
            await Broker.AssertAuditUnchangedAsync(() => Mtls.ExchangeAsync(null, Broker.RunTokenRequest(runToken, TestBroker.ExecutorAgent, "refunds:write"))),
        ];

        foreach (var reply in replies)
        {
            Expect.Refused(reply, "invalid_request", "bound to a client certificate");
        }

        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_CertificateBoundRunTokenWithADpopProofInstead_RefusedAndChangesNothing()
    {
        // RFC 8705 §3: the certificate is the only proof of possession of a cnf.x5t#S256 token; a DPoP key is another holder.
        var runToken = await StartRunOverMtlsAsync();
        using var key = new DpopProofs();

        var reply = await Broker.AssertAuditUnchangedAsync(() => Mtls.ExchangeAsync(null, Broker.InRunRequest(runToken), key.Create("POST", TokenUrl, Broker.Now)));

        Expect.Refused(reply, "invalid_request", "bound to a client certificate");
        await Broker.AssertNothingIssuedAsync();
    }
}
