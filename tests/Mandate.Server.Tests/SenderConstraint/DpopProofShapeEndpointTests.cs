using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.Server.Tests.Harness;
using Microsoft.IdentityModel.Tokens;

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
        var proof = RsaProof(rsa, alg, Claims(Broker.Now.ToUnixTimeSeconds(), TokenUrl));

        var reply = await Broker.AssertAuditUnchangedAsync(() => DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), proof));

        Expect.Refused(reply, "invalid_dpop_proof", "RSA key has 1024 bits", "at least 2048", "RFC 7518");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Exchange_ProofWithA2048BitRsaKey_IssuesADpopToken()
    {
        using var rsa = RSA.Create(2048);
        var proof = RsaProof(rsa, "RS256", Claims(Broker.Now.ToUnixTimeSeconds(), TokenUrl));

        var reply = await DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), proof);

        Expect.Issued(reply);
        Assert.Equal("DPoP", reply.Member("token_type"));
    }

    [Fact]
    public async Task Exchange_ProofWithFractionalIat_IssuesADpopToken()
    {
        using var rsa = RSA.Create(2048);
        var proof = RsaProof(rsa, "RS256", Claims(Broker.Now.ToUnixTimeSeconds() + 0.5, TokenUrl));

        var reply = await DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), proof);

        Expect.Issued(reply);
        Assert.Equal("DPoP", reply.Member("token_type"));
    }

    [Fact]
    public async Task Exchange_ProofWhoseHtuNamesUserInformation_IsRefusedAndChangesNothing()
    {
        using var rsa = RSA.Create(2048);
        var htu = TokenUrl.Replace("://", "://u:p@", StringComparison.Ordinal);
        var proof = RsaProof(rsa, "RS256", Claims(Broker.Now.ToUnixTimeSeconds(), htu));

        var reply = await Broker.AssertAuditUnchangedAsync(() => DpopRequests.ExchangeAsync(Broker, Broker.RefundRequest(), proof));

        Expect.Refused(reply, "invalid_dpop_proof", "htu must be " + TokenUrl);
        await Broker.AssertNothingIssuedAsync();
    }

    private static Dictionary<string, object> Claims(double iat, string htu) => new()
    {
        ["jti"] = Guid.NewGuid().ToString("N"),
        ["htm"] = "POST",
        ["htu"] = htu,
        ["iat"] = iat,
    };

    private static string RsaProof(RSA rsa, string alg, Dictionary<string, object> claims)
    {
        var key = rsa.ExportParameters(includePrivateParameters: false);
        var header = new Dictionary<string, object>
        {
            ["typ"] = "dpop+jwt",
            ["alg"] = alg,
            ["jwk"] = new Dictionary<string, string> { ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(key.Modulus), ["e"] = Base64UrlEncoder.Encode(key.Exponent) },
        };
        var input = Segment(header) + "." + Segment(claims);
        var padding = alg.StartsWith("PS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        return input + "." + Base64UrlEncoder.Encode(rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, padding));
    }

    private static string Segment(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));
}
