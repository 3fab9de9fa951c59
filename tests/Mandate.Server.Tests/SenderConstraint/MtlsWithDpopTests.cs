using Mandate.Core.Audit;
using Mandate.SenderConstraint;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>
/// A token request over mutual TLS that also carries a DPoP proof: the X.509-SVID authenticates the agent (RFC 8705 §2),
/// the proof decides the binding (RFC 9449 §5), and a bad proof is not excused by a good certificate.
/// </summary>
public sealed class MtlsWithDpopTests : MtlsTest
{
    private string TokenUrl => Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token";

    private ExchangeRequest CertificateOnlyRefund() => Broker.RefundRequest() with { ActorToken = null, ActorTokenType = null };

    [Fact]
    public async Task Rfc9449_ProofOverMutualTls_IssuesADpopTokenBoundToTheProofKey()
    {
        // RFC 9449 §5: a DPoP-bound access token is answered with token_type DPoP; cnf names the key, not the certificate.
        using var key = new DpopProofs();

        var reply = await Mtls.ExchangeAsync(Mtls.Svid(TestBroker.SupportAgent), CertificateOnlyRefund(), key.Create("POST", TokenUrl, Broker.Now));

        var cnf = ConfirmationClaim.FromToken(IssuedTokens.Read(Expect.Issued(reply)));
        Assert.Equal("DPoP", reply.Member("token_type"));
        Assert.Equal(key.Thumbprint, cnf?.Jkt);
        Assert.Null(cnf?.X5tS256);
        var issuance = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
        Assert.Equal("tls_client_auth", issuance.Evidence["client_auth"]);
        Assert.Equal(key.Thumbprint, issuance.Evidence["dpop_jkt"]);
    }

    [Fact]
    public async Task Invariant7_InvalidProofOverMutualTls_400InvalidDpopProofAndChangesNothing()
    {
        // RFC 9449 §5: an invalid proof is invalid_dpop_proof, whatever authenticated the client.
        using var key = new DpopProofs();
        var svid = Mtls.Svid(TestBroker.SupportAgent);

        var reply = await Broker.AssertAuditUnchangedAsync(() => Mtls.ExchangeAsync(svid, CertificateOnlyRefund(), key.Create("GET", TokenUrl, Broker.Now)));

        Expect.Refused(reply, "invalid_dpop_proof", "htm");
        await Broker.AssertNothingIssuedAsync();
    }
}
