using System.Security.Cryptography;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.SenderConstraint;

/// <summary>
/// Proof shapes the probe found at the token endpoint, signed by hand (IdentityModel will not sign with a short RSA key):
/// RFC 7518 §3.3 RSA keys under 2048 bits, RFC 7519 §2 fractional NumericDates, and an htu naming user information.
/// </summary>
public sealed class DpopProofShapeEndpointTests : BrokerTest
{
    private string TokenUrl => Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token";

    [Theory]
    [InlineData("RS256")]
    [InlineData("PS256")]
    public async Task Exchange_ProofWithA1024BitRsaKey_IsRefusedAndChangesNothing(string alg)
    {
        using var rsa = RSA.Create(1024);
        var proof = DpopProofs.SignedWithRsa(rsa, alg, DpopProofs.PostClaims(TokenUrl, Broker.Now.ToUnixTimeSeconds()));

        var reply = await Broker.AssertAuditUnchangedAsync(() => DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), proof));

        Expect.Refused(reply, "invalid_dpop_proof", "RSA key has 1024 bits", "at least 2048", "RFC 7518");
        await Broker.AssertNothingIssuedAsync();
    }

    [Theory]
    [InlineData("n")]
    [InlineData("e")]
    public async Task Exchange_ProofWhoseRsaJwkPadsAnIntegerWithZeros_IsRefusedAndChangesNothing(string member)
    {
        // RFC 7518 §2 Base64urlUInt: the fewest octets, so the key has one RFC 7638 thumbprint for cnf.jkt.
        using var rsa = RSA.Create(2048);
        var proof = DpopProofs.SignedWithRsa(rsa, "RS256", DpopProofs.PostClaims(TokenUrl, Broker.Now.ToUnixTimeSeconds()), member);

        var reply = await Broker.AssertAuditUnchangedAsync(() => DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), proof));

        Expect.Refused(reply, "invalid_dpop_proof", "leading zero octet", "RFC 7518 section 2");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_ProofWithA2048BitRsaKey_IssuesADpopToken()
    {
        using var rsa = RSA.Create(2048);
        var proof = DpopProofs.SignedWithRsa(rsa, "RS256", DpopProofs.PostClaims(TokenUrl, Broker.Now.ToUnixTimeSeconds()));

        var reply = await DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), proof);

        Expect.Issued(reply);
        Assert.Equal("DPoP", reply.Member("token_type"));
    }

    [Fact]
    public async Task Exchange_ProofWithFractionalIat_IssuesADpopToken()
    {
        using var rsa = RSA.Create(2048);
        var proof = DpopProofs.SignedWithRsa(rsa, "RS256", DpopProofs.PostClaims(TokenUrl, Broker.Now.ToUnixTimeSeconds() + 0.5));

        var reply = await DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), proof);

        Expect.Issued(reply);
        Assert.Equal("DPoP", reply.Member("token_type"));
    }

    [Fact]
    public async Task Exchange_ProofWhoseHtuNamesUserInformation_IsRefusedAndChangesNothing()
    {
        using var rsa = RSA.Create(2048);
        var htu = TokenUrl.Replace("://", "://u:p@", StringComparison.Ordinal);
        var proof = DpopProofs.SignedWithRsa(rsa, "RS256", DpopProofs.PostClaims(htu, Broker.Now.ToUnixTimeSeconds()));

        var reply = await Broker.AssertAuditUnchangedAsync(() => DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), proof));

        Expect.Refused(reply, "invalid_dpop_proof", "htu must be " + TokenUrl);
        await Broker.AssertNothingIssuedAsync();
    }
}
