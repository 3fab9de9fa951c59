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

    [Fact]
    public async Task Invariant7_DpopHeaderNotOneCompactJwt_400InvalidDpopProofAndChangesNothing()
    {
        // RFC 9449 §4.3 steps 1-2: one DPoP header whose value is a single well-formed JWT; §5: otherwise invalid_dpop_proof.
        using var key = new DpopProofs();
        var proof = key.Create("POST", TokenUrl, Broker.Now);
        string[][] shapes =
        [
            [""],
            [" "],
            [proof + "," + key.Create("POST", TokenUrl, Broker.Now)],
            [proof + " " + key.Create("POST", TokenUrl, Broker.Now)],
            ["DPoP " + proof],
            [proof + "." + proof.Split('.')[2]],
            [proof + new string('A', 9000)],
            [proof, proof],
        ];

        foreach (var values in shapes)
        {
            var reply = await Broker.AssertAuditUnchangedAsync(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token") { Content = new FormUrlEncodedContent(Broker.RefundRequest().ToForm()) };
                request.Headers.TryAddWithoutValidation("DPoP", values);
                return await Broker.SendAsync(request);
            });

            Expect.Refused(reply, "invalid_dpop_proof");
        }

        await Broker.AssertNothingIssuedAsync();
    }

    [Theory]
    [InlineData("post", "/oauth2/token")]
    [InlineData("POST", "/oauth2/introspect")]
    [InlineData("POST", "/oauth2/token/")]
    [InlineData("POST", "/OAUTH2/TOKEN")]
    [InlineData("POST", "/oauth2/token/..;/introspect")]
    public async Task Invariant7_ProofForAnotherMethodSpellingOrEndpoint_400InvalidDpopProofAndChangesNothing(string htm, string path)
    {
        // RFC 9449 §4.3 steps 8-9: htm is the (case-sensitive) method, htu the token endpoint's URI.
        using var key = new DpopProofs();
        var proof = key.Create(htm, Broker.Options.Issuer.TrimEnd('/') + path, Broker.Now);

        var reply = await Broker.AssertAuditUnchangedAsync(() => DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), proof));

        Expect.Refused(reply, "invalid_dpop_proof", htm == "POST" ? "htu" : "htm");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Rfc9449_ProofHtuWithQueryAndFragment_IssuesADpopToken()
    {
        // RFC 9449 §4.3 step 9: htu is compared "ignoring any query and fragment parts".
        using var key = new DpopProofs();

        var reply = await DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), key.Create("POST", TokenUrl + "?a=1#f", Broker.Now));

        Assert.Equal(key.Thumbprint, Mandate.SenderConstraint.ConfirmationClaim.FromToken(IssuedTokens.Read(Expect.Issued(reply)))?.Jkt);
        Assert.Equal("DPoP", reply.Member("token_type"));
    }
}
