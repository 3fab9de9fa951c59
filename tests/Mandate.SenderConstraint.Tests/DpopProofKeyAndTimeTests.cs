using System.Security.Cryptography;
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

    private Task<DpopValidationResult> Validate(string proof) =>
        _validator.ValidateAsync(new DpopProofRequest(proof, "POST", new Uri(Url)));
}
