using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Mandate.Testing;

namespace Mandate.SenderConstraint.Tests;

/// <summary>
/// Proofs signed by hand, for what IdentityModel will not sign: RSA keys under 2048 bits (RFC 7518 §3.3 MUST NOT
/// be used), a NumericDate with a fraction (RFC 7519 §2 allows it), and an htu naming user information.
/// </summary>
public sealed class DpopProofKeyAndTimeTests
{
    private const string Url = "https://mandate.example/token";
    private readonly ManualTimeProvider _time = new();
    private readonly DpopProofValidator _validator;

    public DpopProofKeyAndTimeTests() => _validator = new DpopProofValidator(new DpopValidationOptions(), _time);

    [Theory]
    [InlineData(1024, "RS256")]
    [InlineData(1024, "PS256")]
    [InlineData(2040, "RS256")]
    public async Task Validate_RsaKeyUnder2048Bits_IsRefusedNamingTheRule(int bits, string alg)
    {
        using var rsa = RSA.Create(bits);

        var result = await Validate(DpopProofs.SignedWithRsa(rsa, alg, DpopProofs.PostClaims(Url, _time.GetUtcNow().ToUnixTimeSeconds())));

        Assert.False(result.IsValid);
        Assert.Equal(DpopFailure.InvalidProof, result.Failure);
        Assert.Contains($"RSA key has {bits} bits", result.FailureReason, StringComparison.Ordinal);
        Assert.Contains("at least 2048", result.FailureReason, StringComparison.Ordinal);
        Assert.Null(result.JwkThumbprint);
    }

    [Theory]
    [InlineData("n", 1)]
    [InlineData("n", 3)]
    [InlineData("e", 1)]
    public async Task Validate_RsaJwkIntegerWithLeadingZeroOctet_IsRefusedSoTheKeyHasOneThumbprint(string member, int zeros)
    {
        // RFC 7518 §2: a Base64urlUInt uses the fewest octets; RFC 7638 hashes n and e as written, so padding made a second jkt.
        using var rsa = RSA.Create(2048);

        var result = await Validate(DpopProofs.SignedWithRsa(rsa, "RS256", DpopProofs.PostClaims(Url, _time.GetUtcNow().ToUnixTimeSeconds()), member, zeros));

        Assert.False(result.IsValid);
        Assert.Equal(DpopFailure.InvalidProof, result.Failure);
        Assert.Contains("leading zero octet", result.FailureReason, StringComparison.Ordinal);
        Assert.Contains("RFC 7518 section 2", result.FailureReason, StringComparison.Ordinal);
        Assert.Null(result.JwkThumbprint);
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("PS256")]
    public async Task Validate_Rsa2048_IsAccepted(string alg)
    {
        using var rsa = RSA.Create(2048);

        var result = await Validate(DpopProofs.SignedWithRsa(rsa, alg, DpopProofs.PostClaims(Url, _time.GetUtcNow().ToUnixTimeSeconds())));

        Assert.True(result.IsValid, result.FailureReason);
    }

    [Theory]
    [InlineData(16384, 17)]
    [InlineData(8200, 17)]
    [InlineData(2048, 2048)]
    [InlineData(2048, 257)]
    public async Task Invariant7_RsaKeyTooCostlyToVerify_IsRefusedBeforeItsSignatureIsChecked(int modulusBits, int exponentBits)
    {
        // Verified before its sender is authenticated: a modulus over 8192 bits or an exponent of 2^256 or more (FIPS 186-5
        // §A.1.1) is a cost the client chooses, so the key is refused unverified (the signature here is not even valid).
        var jwk = new Dictionary<string, string> { ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(Integer(modulusBits)), ["e"] = Base64UrlEncoder.Encode(Integer(exponentBits)) };
        var header = new Dictionary<string, object> { ["typ"] = "dpop+jwt", ["alg"] = "RS256", ["jwk"] = jwk };
        var claims = DpopProofs.PostClaims(Url, _time.GetUtcNow().ToUnixTimeSeconds());
        var proof = Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(claims)) + "." + Base64UrlEncoder.Encode(new byte[modulusBits / 8]);

        var result = await Validate(proof);

        Assert.Equal(BindingChecks.DpopProofMalformed, result.CheckId);
        Assert.Contains(modulusBits > 8192 ? "at most 8192" : "under 2^256", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_Rsa4096_IsAccepted()
    {
        using var rsa = RSA.Create(4096);

        var result = await Validate(DpopProofs.SignedWithRsa(rsa, "RS256", DpopProofs.PostClaims(Url, _time.GetUtcNow().ToUnixTimeSeconds())));

        Assert.True(result.IsValid, result.FailureReason);
    }

    [Fact]
    public async Task Validate_FractionalIat_IsAccepted()
    {
        using var rsa = RSA.Create(2048);

        var result = await Validate(DpopProofs.SignedWithRsa(rsa, "RS256", DpopProofs.PostClaims(Url, _time.GetUtcNow().ToUnixTimeSeconds() + 0.5)));

        Assert.True(result.IsValid, result.FailureReason);
    }

    [Theory]
    [InlineData(-61.5)]
    [InlineData(61.5)]
    public async Task Validate_FractionalIatOutsideWindow_IsRefused(double offset)
    {
        using var rsa = RSA.Create(2048);

        var result = await Validate(DpopProofs.SignedWithRsa(rsa, "RS256", DpopProofs.PostClaims(Url, _time.GetUtcNow().ToUnixTimeSeconds() + offset)));

        Assert.False(result.IsValid);
        Assert.Contains("iat", result.FailureReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://user:pass@mandate.example/token")]
    [InlineData("https://user@mandate.example/token")]
    public async Task Validate_HtuWithUserInfo_IsRefused(string htu)
    {
        using var rsa = RSA.Create(2048);
        var claims = DpopProofs.PostClaims(Url, _time.GetUtcNow().ToUnixTimeSeconds());
        claims["htu"] = htu;

        var result = await Validate(DpopProofs.SignedWithRsa(rsa, "RS256", claims));

        Assert.False(result.IsValid);
        Assert.Contains("htu", result.FailureReason, StringComparison.Ordinal);
    }

    // An odd integer of exactly this many bits, written in the fewest octets.
    private static byte[] Integer(int bits)
    {
        var bytes = RandomNumberGenerator.GetBytes((bits + 7) / 8);
        bytes[0] = (byte)((bytes[0] & (0xFF >> ((8 - (bits % 8)) % 8))) | (1 << ((bits - 1) % 8)));
        bytes[^1] |= 1;
        return bytes;
    }

    private Task<DpopValidationResult> Validate(string proof) =>
        _validator.ValidateAsync(new DpopProofRequest(proof, "POST", new Uri(Url)));
}
