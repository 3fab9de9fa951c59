using Microsoft.IdentityModel.Tokens;

namespace Mandate.SenderConstraint;

/// <summary>Settings for <see cref="DpopProofValidator"/>.</summary>
public sealed class DpopValidationOptions
{
    /// <summary>
    /// JWS algorithms a proof may use. RFC 9449 §4.3: asymmetric only; <c>none</c> and HMAC are
    /// refused even when listed. Default: ES256, ES384, ES512, PS256, PS384, PS512, RS256, RS384, RS512.
    /// </summary>
    public IReadOnlyCollection<string> AllowedAlgorithms { get; init; } =
    [
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
    ];

    /// <summary>
    /// How far <c>iat</c> may lie from the server clock, either way (RFC 9449 §4.3 step 11).
    /// Also the lifetime of replay-cache entries. Default 60 seconds.
    /// </summary>
    public TimeSpan IatWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest proof accepted, in characters, before any parsing. Default 8192.</summary>
    public int MaxProofLength { get; init; } = 8192;
}
