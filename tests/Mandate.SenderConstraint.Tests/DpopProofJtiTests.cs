using Mandate.Testing;

namespace Mandate.SenderConstraint.Tests;

/// <summary>RFC 9449 §4.2: a proof's jti is required; every jti of the wrong length is refused with one rule, 1 to 256 characters.</summary>
public sealed class DpopProofJtiTests : IDisposable
{
    private const string Url = "https://mandate.example/token";
    private readonly ManualTimeProvider _time = new();
    private readonly DpopProofs _client = new();
    private readonly DpopProofValidator _validator;

    public DpopProofJtiTests() => _validator = new DpopProofValidator(new DpopValidationOptions(), _time);

    public void Dispose() => _client.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    [InlineData(2048)]
    [InlineData(2049)]
    public async Task Validate_JtiOfWrongLength_IsRefusedNaming1To256(int length)
    {
        var proof = _client.Create("POST", Url, _time.GetUtcNow(), jti: new string('j', length));

        var result = await _validator.ValidateAsync(new DpopProofRequest(proof, "POST", new Uri(Url)));

        Assert.False(result.IsValid);
        Assert.Equal(BindingChecks.DpopProofMalformed, result.CheckId);
        Assert.Equal("the DPoP proof needs a jti of 1 to 256 characters (RFC 9449 section 4.2)", result.FailureReason);
    }

    [Fact]
    public async Task Validate_JtiOf256Characters_IsAccepted()
    {
        var proof = _client.Create("POST", Url, _time.GetUtcNow(), jti: new string('j', 256));

        var result = await _validator.ValidateAsync(new DpopProofRequest(proof, "POST", new Uri(Url)));

        Assert.True(result.IsValid, result.FailureReason);
    }
}
