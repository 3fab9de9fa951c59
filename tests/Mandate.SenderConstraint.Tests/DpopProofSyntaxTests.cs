using System.Security.Cryptography;
using Mandate.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.SenderConstraint.Tests;

/// <summary>
/// RFC 9449 §4.2 (proof syntax) and §4.3 (checks) one MUST at a time, with proofs written as JSON so that a claim can be
/// left out, be of the wrong type, or a jwk take any form. Every refusal is invalid_dpop_proof, never an exception.
/// </summary>
public sealed class DpopProofSyntaxTests : IDisposable
{
    private const string Url = "https://mandate.example/oauth2/token";
    private readonly ManualTimeProvider _time = new();
    private readonly DpopProofs _client = new();
    private readonly DpopProofValidator _validator;

    public DpopProofSyntaxTests() => _validator = new DpopProofValidator(new DpopValidationOptions(), _time);

    public void Dispose() => _client.Dispose();

    private long Now => _time.GetUtcNow().ToUnixTimeSeconds();

    private string Header(string? jwk = null, string alg = "\"ES256\"", string typ = "\"dpop+jwt\"") =>
        $$"""{"typ":{{typ}},"alg":{{alg}},"jwk":{{jwk ?? _client.PublicJwkJson()}}}""";

    private string Payload(string jti = "\"j-1\"", string htm = "\"POST\"", string htu = "\"" + Url + "\"", string? iat = null) =>
        $$"""{"jti":{{jti}},"htm":{{htm}},"htu":{{htu}},"iat":{{iat ?? Now.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""";

    private Task<DpopValidationResult> Validate(string proof, string method = "POST", string url = Url) =>
        _validator.ValidateAsync(new DpopProofRequest(proof, method, new Uri(url)));

    private static void AssertRefused(DpopValidationResult result, string reasonFragment)
    {
        AssertRefused(result);
        Assert.Contains(reasonFragment, result.FailureReason, StringComparison.Ordinal);
    }

    // Some shapes IdentityModel already refuses to read (a non-string typ, alg or jti): refused as not a well-formed JWT.
    private static void AssertRefused(DpopValidationResult result)
    {
        Assert.False(result.IsValid);
        Assert.Equal(DpopFailure.InvalidProof, result.Failure);
        Assert.StartsWith("binding.dpop_", result.CheckId, StringComparison.Ordinal);
        Assert.Null(result.JwkThumbprint);
    }

    [Fact]
    public async Task Rfc9449_ProofWrittenAsJson_IsAccepted()
    {
        // The baseline every refusal below differs from in one member.
        var result = await Validate(_client.SignedAsWritten(Header(), Payload()));

        Assert.True(result.IsValid, result.FailureReason);
        Assert.Equal(_client.Thumbprint, result.JwkThumbprint);
    }

    [Theory]
    [InlineData("jti")]
    [InlineData("htm")]
    [InlineData("htu")]
    [InlineData("iat")]
    public async Task Rfc9449_RequiredClaimMissing_IsRefused(string claim)
    {
        // RFC 9449 §4.3 step 3: all required claims per §4.2 (jti, htm, htu, iat) are contained in the JWT.
        var members = new Dictionary<string, object> { ["jti"] = "j-1", ["htm"] = "POST", ["htu"] = Url, ["iat"] = Now };
        members.Remove(claim);

        AssertRefused(await Validate(_client.SignedAsWritten(Header(), System.Text.Json.JsonSerializer.Serialize(members))), claim);
    }

    [Theory]
    [InlineData("42", "\"POST\"", "\"" + Url + "\"", null)]
    [InlineData("\"j-1\"", "[\"POST\"]", "\"" + Url + "\"", null)]
    [InlineData("\"j-1\"", "\"POST\"", "{\"href\":\"" + Url + "\"}", null)]
    [InlineData("\"j-1\"", "\"POST\"", "\"" + Url + "\"", "\"1767225600\"")]
    [InlineData("\"j-1\"", "\"POST\"", "\"" + Url + "\"", "null")]
    public async Task Rfc9449_ClaimOfTheWrongJsonType_IsRefused(string jti, string htm, string htu, string? iat) =>
        AssertRefused(await Validate(_client.SignedAsWritten(Header(), Payload(jti, htm, htu, iat))));

    [Theory]
    [InlineData("post")]
    [InlineData("Post")]
    [InlineData("POST ")]
    public async Task Rfc9449_HtmInAnotherSpelling_IsRefused(string htm)
    {
        // RFC 9449 §4.3 step 8: htm matches the request's method; RFC 9110 §9.1: methods are case-sensitive.
        AssertRefused(await Validate(_client.SignedAsWritten(Header(), Payload(htm: $"\"{htm}\""))), "htm");
    }

    [Theory]
    [InlineData("http://mandate.example/oauth2/token")]
    [InlineData("https://mandate.example:8443/oauth2/token")]
    [InlineData("https://mandate.example/oauth2/token/")]
    [InlineData("https://mandate.example/OAuth2/Token")]
    [InlineData("https://mandate.example.evil.example/oauth2/token")]
    [InlineData("/oauth2/token")]
    [InlineData("mandate.example/oauth2/token")]
    [InlineData("")]
    public async Task Rfc9449_HtuNamingAnotherUri_IsRefused(string htu)
    {
        // RFC 9449 §4.3 step 9: htu matches the request's URI (query and fragment aside): scheme, port and path included.
        AssertRefused(await Validate(_client.SignedAsWritten(Header(), Payload(htu: $"\"{htu}\""))), "htu");
    }

    [Theory]
    [InlineData("https://mandate.example/oauth2/token?x=1")]
    [InlineData("https://mandate.example/oauth2/token#f")]
    public async Task Rfc9449_HtuWithQueryOrFragment_IsComparedWithoutThem(string htu)
    {
        // RFC 9449 §4.3 step 9: "ignoring any query and fragment parts".
        var result = await Validate(_client.SignedAsWritten(Header(), Payload(htu: $"\"{htu}\"")));

        Assert.True(result.IsValid, result.FailureReason);
    }

    [Fact]
    public async Task Rfc9449_KidInsteadOfJwk_IsRefused()
    {
        // RFC 9449 §4.2: jwk is REQUIRED; a key named by kid is not a proof's key.
        var header = $$"""{"typ":"dpop+jwt","alg":"ES256","kid":"{{_client.Thumbprint}}"}""";

        AssertRefused(await Validate(_client.SignedAsWritten(header, Payload())), "jwk");
    }

    [Theory]
    [InlineData("\"not-an-object\"")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"{0}\"}")]
    public async Task Rfc9449_JwkNotAnEcOrRsaPublicKey_IsRefused(string jwk)
    {
        // An OKP key's x is 32 random octets here: Mandate verifies EC and RSA proofs only.
        var written = jwk.Replace("{0}", Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)), StringComparison.Ordinal);

        AssertRefused(await Validate(_client.SignedAsWritten(Header(written), Payload())), "jwk");
    }

    [Fact]
    public async Task Rfc9449_JwkOfASymmetricKey_IsRefused()
    {
        // RFC 9449 §4.2: jwk MUST NOT contain a private key; an oct key is nothing but its secret (RFC 7518 §6.4.1).
        var jwk = $$"""{"kty":"oct","k":"{{Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32))}}"}""";

        AssertRefused(await Validate(_client.SignedAsWritten(Header(jwk), Payload())), "private or symmetric");
    }

    [Theory]
    [InlineData("d")]
    [InlineData("p")]
    [InlineData("q")]
    [InlineData("dp")]
    [InlineData("dq")]
    [InlineData("qi")]
    public async Task Rfc9449_RsaJwkWithAPrivateMember_IsRefused(string member)
    {
        // RFC 9449 §4.2 / §4.3 step 7: the jwk does not contain a private key (RFC 7518 §6.3.2 members).
        using var rsa = RSA.Create(2048);
        var key = rsa.ExportParameters(includePrivateParameters: true);
        var values = new Dictionary<string, byte[]> { ["d"] = key.D!, ["p"] = key.P!, ["q"] = key.Q!, ["dp"] = key.DP!, ["dq"] = key.DQ!, ["qi"] = key.InverseQ! };
        var jwk = $$"""{"kty":"RSA","n":"{{Base64UrlEncoder.Encode(key.Modulus!)}}","e":"{{Base64UrlEncoder.Encode(key.Exponent!)}}","{{member}}":"{{Base64UrlEncoder.Encode(values[member])}}"}""";

        AssertRefused(await Validate(_client.SignedAsWritten(Header(jwk, alg: "\"RS256\""), Payload())), "private or symmetric");
    }

    [Fact]
    public async Task Rfc9449_EcJwkPointNotOnItsCurve_IsRefusedNotThrown()
    {
        // RFC 9449 §4.3 step 7: the signature verifies with the jwk; a point off the curve is no key at all.
        var jwk = _client.PublicJwkMembers();
        jwk["y"] = Base64UrlEncoder.Encode(new byte[32]);

        AssertRefused(await Validate(_client.SignedAsWritten(Header(System.Text.Json.JsonSerializer.Serialize(jwk)), Payload())));
    }

    [Theory]
    [InlineData("x")]
    [InlineData("y")]
    public async Task Rfc7518_EcJwkCoordinateWithALeadingZeroOctet_IsRefused(string member)
    {
        // RFC 7518 §6.2.1.2: a coordinate "MUST be the full size of a coordinate for the curve"; a padded one would give
        // the same key a second RFC 7638 thumbprint, so a second cnf.jkt.
        var jwk = _client.PublicJwkMembers();
        jwk[member] = Base64UrlEncoder.Encode([0, .. Base64UrlEncoder.DecodeBytes((string)jwk[member])]);

        AssertRefused(await Validate(_client.SignedAsWritten(Header(System.Text.Json.JsonSerializer.Serialize(jwk)), Payload())));
    }

    [Theory]
    [InlineData("\"RS256\"")]
    [InlineData("\"PS256\"")]
    [InlineData("\"ES384\"")]
    public async Task Rfc9449_AlgThatDoesNotFitTheJwk_IsRefused(string alg)
    {
        // RFC 9449 §4.3 steps 5-7: the signature, under the header's alg, verifies with the jwk; an ES256 signature by a
        // P-256 key is no RS256, PS256 or ES384 signature.
        AssertRefused(await Validate(_client.SignedAsWritten(Header(alg: alg), Payload())));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"es256\"")]
    [InlineData("\"ES256 \"")]
    [InlineData("[\"ES256\"]")]
    public async Task Rfc9449_AlgNotExactlyAnAllowedAlgorithm_IsRefused(string alg) =>
        AssertRefused(await Validate(_client.SignedAsWritten(Header(alg: alg), Payload())));

    [Theory]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("\"\"")]
    public async Task Rfc9449_TypMissingOrNotAString_IsRefused(string typ) =>
        AssertRefused(await Validate(_client.SignedAsWritten(Header(typ: typ), Payload())));

    [Fact]
    public async Task Rfc9449_TwoJwkMembers_IsRefused()
    {
        // RFC 7515 §4: header names are unique; a parser that kept the other jwk would judge another key.
        using var other = new DpopProofs();
        var header = $$"""{"typ":"dpop+jwt","alg":"ES256","jwk":{{other.PublicJwkJson()}},"jwk":{{_client.PublicJwkJson()}}}""";

        AssertRefused(await Validate(_client.SignedAsWritten(header, Payload())));
    }

    [Fact]
    public async Task Rfc9449_HeaderValueNotOneCompactJwt_IsRefusedNotThrown()
    {
        // RFC 9449 §4.3 step 2: the DPoP header value is a single, well-formed JWT (compact JWS).
        var proof = _client.SignedAsWritten(Header(), Payload());
        var parts = proof.Split('.');
        string[] values =
        [
            proof + " " + _client.SignedAsWritten(Header(), Payload(jti: "\"j-2\"")),
            proof + "," + _client.SignedAsWritten(Header(), Payload(jti: "\"j-3\"")),
            proof + ".",
            proof + ".." + parts[2],
            parts[0] + "." + parts[1],
            $$"""{"protected":"{{parts[0]}}","payload":"{{parts[1]}}","signature":"{{parts[2]}}"}""",
            "Bearer " + proof,
            proof + new string('A', 9000),
        ];

        foreach (var value in values)
        {
            AssertRefused(await Validate(value));
        }

        Assert.True((await Validate(proof)).IsValid);
    }

    [Fact]
    public async Task Rfc9449_NonceOfTheWrongJsonType_AsksForTheServerNonce()
    {
        // RFC 9449 §4.3 step 10: when the server provided a nonce, the proof's nonce claim matches it.
        var payload = Payload().TrimEnd('}') + ",\"nonce\":[\"n-1\"]}";

        var result = await _validator.ValidateAsync(new DpopProofRequest(_client.SignedAsWritten(Header(), payload), "POST", new Uri(Url)) { AcceptNonce = n => n == "n-1" });

        Assert.Equal(DpopFailure.UseNonce, result.Failure);
        Assert.Null(result.JwkThumbprint);
    }
}
