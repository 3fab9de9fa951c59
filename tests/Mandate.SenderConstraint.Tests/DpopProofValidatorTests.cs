using System.Security.Cryptography;
using Mandate.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.SenderConstraint.Tests;

public sealed class DpopProofValidatorTests : IDisposable
{
    private const string Url = "https://mandate.example/token";
    private readonly ManualTimeProvider _time = new();
    private readonly DpopProofs _client = new();
    private readonly DpopProofValidator _validator;

    public DpopProofValidatorTests() => _validator = new DpopProofValidator(new DpopValidationOptions(), _time);

    public void Dispose() => _client.Dispose();

    private Task<DpopValidationResult> Validate(string proof, string method = "POST", string url = Url, string? accessToken = null, Func<string, bool>? nonce = null) =>
        _validator.ValidateAsync(new DpopProofRequest(proof, method, new Uri(url)) { AccessToken = accessToken, AcceptNonce = nonce });

    private static void AssertRefused(DpopValidationResult result, string reasonFragment)
    {
        Assert.False(result.IsValid);
        Assert.Equal(DpopFailure.InvalidProof, result.Failure);
        Assert.Contains(reasonFragment, result.FailureReason, StringComparison.Ordinal);
        Assert.Null(result.JwkThumbprint);
        Assert.StartsWith("binding.dpop_", result.CheckId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant7_HeaderJsonNotUtf8_RefusedAsMalformedNotThrown()
    {
        // RFC 7515 §5.2 step 4 / RFC 8259 §8.1: the header is UTF-8 JSON. A byte that is not UTF-8 inside a
        // string (0xC1 can never occur) made the validator throw while reading typ (found by the fuzz harness).
        var jwk = System.Text.Json.JsonSerializer.Serialize(_client.PublicJwkMembers());
        var header = System.Text.Encoding.Latin1.GetBytes("{\"typ\":\"dpop+jwt\u00C1\",\"alg\":\"ES256\",\"jwk\":" + jwk + "}");
        var payload = System.Text.Encoding.UTF8.GetBytes($$"""{"jti":"j1","htm":"POST","htu":"{{Url}}","iat":{{_time.GetUtcNow().ToUnixTimeSeconds()}}}""");
        var signingInput = Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(payload);
        var proof = signingInput + "." + Base64UrlEncoder.Encode(_client.Key.ECDsa.SignData(System.Text.Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256));

        AssertRefused(await Validate(proof), "not a well-formed JWT");
    }

    [Fact]
    public async Task Validate_FreshProof_ReturnsKeyThumbprint()
    {
        var result = await Validate(_client.Create("POST", Url, _time.GetUtcNow()));
        Assert.True(result.IsValid, result.FailureReason);
        Assert.Equal(_client.Thumbprint, result.JwkThumbprint);
    }

    [Fact]
    public async Task Validate_ReplayedProof_IsRefused()
    {
        var proof = _client.Create("POST", Url, _time.GetUtcNow());
        Assert.True((await Validate(proof)).IsValid);
        _time.Advance(TimeSpan.FromSeconds(5));
        AssertRefused(await Validate(proof), "jti replay");
        Assert.Equal(BindingChecks.DpopProofReplayed, (await Validate(proof)).CheckId);
    }

    [Fact]
    public async Task Check_RemembersNothing_RecordAcceptsTheProofOnceThenRefusesItsReplay()
    {
        // RFC 9449 §11.1 for an endpoint that records the proof only once its caller proved who it is.
        var proof = _client.Create("POST", Url, _time.GetUtcNow());
        var request = new DpopProofRequest(proof, "POST", new Uri(Url));
        var first = await _validator.CheckAsync(request);
        var second = await _validator.CheckAsync(request);

        Assert.True(first.IsValid && second.IsValid, first.FailureReason);
        Assert.True((await _validator.RecordAsync(first)).IsValid);
        AssertRefused(await _validator.RecordAsync(second), "jti replay");
        AssertRefused(await Validate(proof), "jti replay");
        var refused = await _validator.CheckAsync(request with { HttpMethod = "GET" });
        await Assert.ThrowsAsync<ArgumentException>(() => _validator.RecordAsync(refused));
    }

    [Fact]
    public async Task Validate_SameJtiAfterWindow_IsRefusedAsStale()
    {
        var proof = _client.Create("POST", Url, _time.GetUtcNow());
        Assert.True((await Validate(proof)).IsValid);
        _time.Advance(TimeSpan.FromSeconds(61));
        AssertRefused(await Validate(proof), "iat");
    }

    [Fact]
    public async Task Validate_SignedWithAnotherKeyThanItsJwk_IsRefused()
    {
        using var other = new DpopProofs();
        var proof = _client.Create("POST", Url, _time.GetUtcNow(), signWith: new SigningCredentials(other.Key, SecurityAlgorithms.EcdsaSha256));
        AssertRefused(await Validate(proof), "signature");
    }

    [Fact]
    public async Task Validate_PrivateKeyInJwk_IsRefused() =>
        AssertRefused(await Validate(_client.Create("POST", Url, _time.GetUtcNow(), jwk: _client.PrivateJwkMembers())), "private");

    [Fact]
    public async Task Validate_AlgNone_IsRefused() =>
        AssertRefused(await Validate(_client.CreateUnsigned("POST", Url, _time.GetUtcNow())), "alg");

    [Fact]
    public async Task Validate_Hs256_IsRefused()
    {
        var secret = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
        var proof = _client.Create("POST", Url, _time.GetUtcNow(), signWith: new SigningCredentials(secret, SecurityAlgorithms.HmacSha256));
        AssertRefused(await Validate(proof), "alg");
    }

    [Fact]
    public async Task Validate_AlgorithmNotConfigured_IsRefused()
    {
        var validator = new DpopProofValidator(new DpopValidationOptions { AllowedAlgorithms = [SecurityAlgorithms.RsaSha256] }, _time);
        var result = await validator.ValidateAsync(new DpopProofRequest(_client.Create("POST", Url, _time.GetUtcNow()), "POST", new Uri(Url)));
        AssertRefused(result, "alg");
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("dpop")]
    [InlineData("dpop+jwt ")]
    [InlineData("text/dpop+jwt")]
    [InlineData("application/dpop+jwt+x")]
    [InlineData("application/ dpop+jwt")]
    public async Task Validate_WrongTyp_IsRefused(string typ) =>
        AssertRefused(await Validate(_client.Create("POST", Url, _time.GetUtcNow(), typ: typ)), "typ");

    [Theory]
    [InlineData("DPoP+JWT")]
    [InlineData("application/dpop+jwt")]
    [InlineData("Application/DPOP+JWT")]
    public async Task Rfc7515_TypAsTheSameMediaTypeInAnotherSpelling_IsAccepted(string typ)
    {
        var result = await Validate(_client.Create("POST", Url, _time.GetUtcNow(), typ: typ));

        Assert.True(result.IsValid, result.FailureReason);
    }

    [Fact]
    public async Task Validate_WrongMethod_IsRefused() =>
        AssertRefused(await Validate(_client.Create("GET", Url, _time.GetUtcNow())), "htm");

    [Fact]
    public async Task Validate_WrongUri_IsRefused() =>
        AssertRefused(await Validate(_client.Create("POST", "https://mandate.example/other", _time.GetUtcNow())), "htu");

    [Fact]
    public async Task Validate_UriDiffersOnlyInCaseDefaultPortAndQuery_IsAccepted()
    {
        var proof = _client.Create("POST", "HTTPS://Mandate.Example:443/token", _time.GetUtcNow());
        var result = await Validate(proof, url: "https://mandate.example/token?x=1#f");
        Assert.True(result.IsValid, result.FailureReason);
    }

    [Theory]
    [InlineData(-61)]
    [InlineData(61)]
    public async Task Validate_IatOutsideWindow_IsRefused(int offsetSeconds) =>
        AssertRefused(await Validate(_client.Create("POST", Url, _time.GetUtcNow().AddSeconds(offsetSeconds))), "iat");

    [Fact]
    public async Task Validate_AthMissingOrWrong_IsRefusedAtResource()
    {
        AssertRefused(await Validate(_client.Create("GET", Url, _time.GetUtcNow()), "GET", accessToken: "token-a"), "ath");
        AssertRefused(await Validate(_client.Create("GET", Url, _time.GetUtcNow(), accessToken: "token-b"), "GET", accessToken: "token-a"), "ath");
        Assert.True((await Validate(_client.Create("GET", Url, _time.GetUtcNow(), accessToken: "token-a"), "GET", accessToken: "token-a")).IsValid);
    }

    [Fact]
    public async Task Validate_NonceRequiredAndMissing_AsksForNonce()
    {
        var nonces = new DpopNonces(RandomNumberGenerator.GetBytes(32), _time);
        var missing = await Validate(_client.Create("POST", Url, _time.GetUtcNow()), nonce: nonces.IsAcceptable);
        Assert.Equal(DpopFailure.UseNonce, missing.Failure);

        var stale = nonces.Current();
        _time.Advance(TimeSpan.FromMinutes(11));
        var old = await Validate(_client.Create("POST", Url, _time.GetUtcNow(), nonce: stale), nonce: nonces.IsAcceptable);
        Assert.Equal(DpopFailure.UseNonce, old.Failure);

        var ok = await Validate(_client.Create("POST", Url, _time.GetUtcNow(), nonce: nonces.Current()), nonce: nonces.IsAcceptable);
        Assert.True(ok.IsValid, ok.FailureReason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("e30.e30.")]
    public async Task Validate_Garbage_IsRefusedWithoutThrowing(string proof) =>
        Assert.Equal(DpopFailure.InvalidProof, (await Validate(proof)).Failure);

    [Fact]
    public async Task Invariant7_CritHeaderUnknown_ProofRefused()
    {
        // RFC 7515 §4.1.11 applies to a DPoP proof like any JWS: an extension it must understand but does not is invalid.
        var proof = _client.Create("POST", Url, _time.GetUtcNow(), extraHeader: new Dictionary<string, object> { ["crit"] = new List<string> { "ext" }, ["ext"] = true });

        AssertRefused(await Validate(proof), "'crit'");
    }

    [Fact]
    public async Task Invariant7_CritHeaderEmpty_ProofRefused()
    {
        var proof = _client.Create("POST", Url, _time.GetUtcNow(), extraHeader: new Dictionary<string, object> { ["crit"] = Array.Empty<string>() });

        AssertRefused(await Validate(proof), "empty 'crit'");
    }

    [Fact]
    public async Task Invariant7_JtiWithLineBreak_ProofRefused()
    {
        var proof = _client.Create("POST", Url, _time.GetUtcNow(), jti: "abc\r\ndef");

        AssertRefused(await Validate(proof), "'jti' claim Mandate does not accept");
    }
}
