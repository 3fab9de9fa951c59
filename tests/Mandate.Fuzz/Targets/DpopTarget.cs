using Mandate.Fuzz.Generation;
using Mandate.Fuzz.Running;
using Mandate.SenderConstraint;
using Mandate.Testing;

namespace Mandate.Fuzz.Targets;

/// <summary>
/// DPoP proof validation (RFC 9449 §4.3): header and claims mutated and signed again with the key in the
/// proof's jwk, so every step after the signature runs too. Oracle: a result, valid or with a reason.
/// </summary>
internal sealed class DpopTarget : FuzzTarget<(string Proof, string Method, Uri Uri, string? AccessToken)>, IDisposable
{
    private static readonly string[] OtherMethods = ["GET", "post", "", "POST\r\n", "PATCH"];
    private static readonly Uri TokenUri = new("http://127.0.0.1:8080/oauth2/token");
    private readonly ManualTimeProvider _clock = new();
    private readonly DpopProofs _proofs = new();
    private readonly DpopProofValidator _validator;

    public DpopTarget() => _validator = new DpopProofValidator(new DpopValidationOptions(), _clock, new DpopReplayCache(1_000));

    public override string Name => "dpop";

    public override string Covers => "DpopProofValidator (RFC 9449 §4.3 proofs at the token endpoint and resource servers)";

    public void Dispose() => _proofs.Dispose();

    protected override (string Proof, string Method, Uri Uri, string? AccessToken) Generate(Random random)
    {
        var accessToken = random.Next(3) == 0 ? "at-" + random.Next() : null;
        var valid = _proofs.Create("POST", TokenUri.ToString(), _clock.GetUtcNow(), accessToken: accessToken);
        var parts = valid.Split('.');
        var header = System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[0]));
        var payload = System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1]));
        var proof = random.Next(8) == 0 ? valid : JwtMutations.Mutate(random, header, payload, SignWithProofKey);
        return (proof, random.Next(6) == 0 ? Mutations.Pick(random, OtherMethods) : "POST", TokenUri, accessToken);
    }

    protected override async ValueTask<Verdict> CheckAsync((string Proof, string Method, Uri Uri, string? AccessToken) input)
    {
        var result = await _validator.ValidateAsync(new DpopProofRequest(input.Proof, input.Method, input.Uri) { AccessToken = input.AccessToken });
        if (result.IsValid)
        {
            return result.JwkThumbprint is null || result.Jti is null ? Verdict.Broken("a valid proof without thumbprint or jti") : Verdict.Accepted;
        }

        return string.IsNullOrEmpty(result.FailureReason) ? Verdict.Broken("a refusal without a reason") : Verdict.Refused;
    }

    protected override string Describe((string Proof, string Method, Uri Uri, string? AccessToken) input) =>
        $"{input.Method} {input.Uri} DPoP: {FuzzFinding.Excerpt(input.Proof)}";

    private byte[] SignWithProofKey(byte[] data) =>
        _proofs.Key.ECDsa.SignData(data, System.Security.Cryptography.HashAlgorithmName.SHA256);
}
