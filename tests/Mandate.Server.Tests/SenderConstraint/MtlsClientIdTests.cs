using Mandate.SenderConstraint;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>
/// RFC 8705 §2: with mutual-TLS client authentication the client_id names the client, and a certificate that is not the
/// one expected for that client_id is invalid_client (RFC 6749 §5.2). The X.509-SVID's SPIFFE ID is the client.
/// </summary>
public sealed class MtlsClientIdTests : MtlsTest
{
    private Task<OAuthReply> ExchangeAsync(string clientId) =>
        Mtls.PostAsync(
            Mtls.Svid(TestBroker.SupportAgent),
            "oauth2/token",
            [.. (Broker.RefundRequest() with { ActorToken = null, ActorTokenType = null }).ToForm(), new("client_id", clientId)]);

    [Theory]
    [InlineData(TestBroker.ExecutorAgent)]
    [InlineData(TestBroker.UnregisteredAgent)]
    [InlineData("SPIFFE://acme.example/agents/support")]
    public async Task Invariant7_CertificateOfOneAgentWithAnothersClientId_401InvalidClientAndChangesNothing(string clientId)
    {
        // RFC 8705 §2: a certificate that "doesn't match that which is expected for the given client_id" is invalid_client.
        var reply = await Broker.AssertAuditUnchangedAsync(() => ExchangeAsync(clientId));

        Expect.Refused(reply, "invalid_client", "client_id names another client");
        Assert.Equal("attest.client_id", reply.Member("check_id"));
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Rfc8705_CertificateWithItsOwnClientId_IssuesACertificateBoundCredential()
    {
        var reply = await ExchangeAsync(TestBroker.SupportAgent);

        Assert.NotNull(ConfirmationClaim.FromToken(IssuedTokens.Read(Expect.Issued(reply)))?.X5tS256);
    }
}
