using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mandate.SenderConstraint.Jose;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.SenderConstraint;

/// <summary>
/// Validates DPoP proofs (RFC 9449 §4.3) for the broker's token endpoint and for resource servers.
/// The signature is verified by <see cref="JsonWebTokenHandler"/> with the proof's own public key;
/// the result carries that key's RFC 7638 thumbprint for <c>cnf.jkt</c>. One instance (and its
/// replay cache) should serve all requests of an endpoint: it is thread-safe.
/// </summary>
public sealed partial class DpopProofValidator
{
    /// <summary>Longest proof jti accepted: a random id needs far less, and each one is kept in the replay cache.</summary>
    private const int MaxJtiLength = 256;
    private const string JtiRule = "the DPoP proof needs a jti of 1 to 256 characters (RFC 9449 section 4.2)";
    // RFC 7517 §6.2.2 / §6.3.2 / §6.4: members that only a private or symmetric key has.
    private static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    private readonly DpopValidationOptions _options;
    private readonly TimeProvider _time;
    private readonly IProofReplayGuard _replayGuard;
    private readonly HashSet<string> _algorithms;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <param name="options">Allowed algorithms and the iat window.</param>
    /// <param name="time">Clock for <c>iat</c> and replay-cache expiry.</param>
    /// <param name="replayGuard">
    /// Where proof <c>jti</c>s are remembered: shared by every node of a cluster so a proof replayed on another node is
    /// refused; a private in-memory cache with default capacity when null.
    /// </param>
    public DpopProofValidator(DpopValidationOptions options, TimeProvider time, IProofReplayGuard? replayGuard = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
        _replayGuard = replayGuard ?? new DpopReplayCache();
        // RFC 9449 §4.3 step 6: "none" and symmetric (MAC) algorithms are never acceptable.
        _algorithms = new HashSet<string>(
            options.AllowedAlgorithms.Where(a => !string.Equals(a, "none", StringComparison.OrdinalIgnoreCase)
                && !a.StartsWith("HS", StringComparison.OrdinalIgnoreCase)),
            StringComparer.Ordinal);
    }

    /// <summary>The algorithms actually accepted (for <c>dpop_signing_alg_values_supported</c>).</summary>
    public IReadOnlyCollection<string> Algorithms => _algorithms;

    /// <summary>
    /// Every check of RFC 9449 §4.3 but the replay check, which <see cref="RecordAsync"/> makes. An endpoint that
    /// authenticates its caller after reading the proof records it only then, so callers who prove no identity cannot
    /// fill the replay cache with proofs of their own keys; it must record it before acting on the request.
    /// </summary>
    public async Task<DpopValidationResult> CheckAsync(DpopProofRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        if (string.IsNullOrEmpty(request.Proof) || request.Proof.Length > _options.MaxProofLength)
        {
            return DpopValidationResult.Invalid(BindingChecks.DpopProofMalformed, $"the DPoP header must hold one compact JWS of at most {_options.MaxProofLength} characters");
        }

        // Step 2: a well-formed JWT.
        JsonWebToken jwt;
        JsonElement header;
        JsonElement payload;
        try
        {
            jwt = new JsonWebToken(request.Proof);
            header = ParseSegment(jwt.EncodedHeader);
            payload = ParseSegment(jwt.EncodedPayload);
        }
        catch (Exception e) when (e is ArgumentException or JsonException or FormatException or SecurityTokenException)
        {
            return DpopValidationResult.Invalid(BindingChecks.DpopProofMalformed, "the DPoP proof is not a well-formed JWT (RFC 9449 section 4.3 step 2)");
        }

        // The proof's tighter jti limit is judged first, so every jti of the wrong length gets one description
        // (the rules every JWT meets allow identity values up to 2048 characters).
        if (payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("jti", out var jtiElement)
            && jtiElement.ValueKind == JsonValueKind.String && jtiElement.GetString() is not { Length: > 0 and <= MaxJtiLength })
        {
            return DpopValidationResult.Invalid(BindingChecks.DpopProofMalformed, JtiRule);
        }

        // RFC 7515 §4.1.11 (crit) and the claim types every JWT meets; the iat window is step 11 below.
        if (IncomingJwtRules.Check(jwt) is { } broken)
        {
            return DpopValidationResult.Invalid(BindingChecks.DpopProofMalformed, "the DPoP proof " + broken.Problem);
        }

        var headerCheck = CheckHeader(header, out var key, out var algorithm);
        if (headerCheck is not null)
        {
            return DpopValidationResult.Invalid(BindingChecks.DpopProofMalformed, headerCheck);
        }

        // Step 7: the signature verifies with the public key in the jwk header.
        var validation = await _handler.ValidateTokenAsync(request.Proof, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = [algorithm!],
            // Step 4 checked typ above, as a media type; IdentityModel would compare it case-sensitively.
            TypeValidator = (type, _, _) => type,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidateIssuerSigningKey = false,
            RequireSignedTokens = true,
        });
        if (!validation.IsValid)
        {
            return DpopValidationResult.Invalid(BindingChecks.DpopSignatureInvalid, "the DPoP proof's signature does not verify with the key in its jwk header (RFC 9449 section 4.3 step 7)");
        }

        var claimCheck = CheckClaims(payload, request, out var jti, out var iat);
        if (claimCheck is not null)
        {
            return claimCheck;
        }

        var thumbprint = Base64UrlEncoder.Encode(key!.ComputeJwkThumbprint());
        return new DpopValidationResult(DpopFailure.None, null, thumbprint, jti) { ReplayExpiresAt = iat + _options.IatWindow };
    }

    private string? CheckHeader(JsonElement header, out JsonWebKey? key, out string? algorithm)
    {
        key = null;
        algorithm = null;
        if (header.ValueKind != JsonValueKind.Object)
        {
            return "the DPoP proof header is not a JSON object (RFC 9449 section 4.3 step 2)";
        }

        // Step 4: typ is dpop+jwt, compared as the media type it is.
        if (!Jose.JoseMediaType.Is(ReadString(header, "typ"), ConfirmationNames.DpopJwtType))
        {
            return "the DPoP proof's typ header must be dpop+jwt (RFC 9449 section 4.3 step 4)";
        }

        // Steps 5-6: an asymmetric algorithm this server supports.
        algorithm = ReadString(header, "alg");
        if (algorithm is null || !_algorithms.Contains(algorithm))
        {
            return $"the DPoP proof's alg must be one of {string.Join(", ", _algorithms)} (RFC 9449 section 4.3 steps 5-6; none and MAC algorithms are refused)";
        }

        // Step 7: jwk is a public key.
        if (!header.TryGetProperty("jwk", out var jwk) || jwk.ValueKind != JsonValueKind.Object)
        {
            return "the DPoP proof must carry its public key as a jwk header object (RFC 9449 section 4.2)";
        }

        foreach (var member in PrivateMembers)
        {
            if (jwk.TryGetProperty(member, out _))
            {
                return "the DPoP proof's jwk header contains private or symmetric key material; send the public key only (RFC 9449 section 4.3 step 7)";
            }
        }

        try
        {
            key = new JsonWebKey(jwk.GetRawText());
        }
        catch (ArgumentException)
        {
            return "the DPoP proof's jwk header is not a valid JWK (RFC 9449 section 4.3 step 7)";
        }

        if (key.Kty is not (JsonWebAlgorithmsKeyTypes.EllipticCurve or JsonWebAlgorithmsKeyTypes.RSA))
        {
            return "the DPoP proof's jwk must be an EC or RSA public key (RFC 9449 section 4.3 step 7)";
        }

        if (Jose.RsaKeyStrength.ClientKeyProblem(key) is { } rsaProblem)
        {
            return "the DPoP proof's " + rsaProblem;
        }

        // Attacker-chosen keys must not fill the process-wide signature-provider cache.
        key.CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false };
        return null;
    }

    private DpopValidationResult? CheckClaims(JsonElement payload, DpopProofRequest request, out string jti, out DateTimeOffset iat)
    {
        jti = string.Empty;
        iat = default;
        if (payload.ValueKind != JsonValueKind.Object)
        {
            return DpopValidationResult.Invalid(BindingChecks.DpopProofMalformed, "the DPoP proof payload is not a JSON object (RFC 9449 section 4.3 step 2)");
        }

        // Step 3: required claims.
        var jtiValue = ReadString(payload, "jti");
        if (jtiValue is null or { Length: > MaxJtiLength })
        {
            return DpopValidationResult.Invalid(BindingChecks.DpopProofMalformed, JtiRule);
        }

        jti = jtiValue;

        // Step 8: htm matches the method.
        if (ReadString(payload, "htm") != request.HttpMethod)
        {
            return DpopValidationResult.Invalid(BindingChecks.DpopMethodMismatch, $"the DPoP proof's htm must be {request.HttpMethod} for this request (RFC 9449 section 4.3 step 8)");
        }

        // Step 9: htu matches the URI without query and fragment.
        var expectedHtu = NormalizeHtu(request.RequestUri);
        var htu = ReadString(payload, "htu");
        if (htu is null || !Uri.TryCreate(htu, UriKind.Absolute, out var htuUri)
            || (htuUri.Scheme != Uri.UriSchemeHttps && htuUri.Scheme != Uri.UriSchemeHttp) || htuUri.UserInfo.Length > 0
            || NormalizeHtu(htuUri) != expectedHtu)
        {
            return DpopValidationResult.Invalid(BindingChecks.DpopUrlMismatch, $"the DPoP proof's htu must be {expectedHtu} for this request (RFC 9449 section 4.3 step 9)");
        }

        // Step 11: iat within the window (either side, for clock skew).
        // A NumericDate may have a fraction (RFC 7519 §2); whole seconds are what the window needs.
        if (!payload.TryGetProperty("iat", out var iatElement) || iatElement.ValueKind != JsonValueKind.Number
            || !iatElement.TryGetDouble(out var iatValue) || !double.IsFinite(iatValue) || iatValue < 0 || iatValue > IncomingJwtRules.LastNumericDate)
        {
            return DpopValidationResult.Invalid(BindingChecks.DpopIatInvalid, "the DPoP proof needs a numeric iat (RFC 9449 section 4.2)");
        }

        iat = DateTimeOffset.FromUnixTimeSeconds((long)Math.Floor(iatValue));
        var now = _time.GetUtcNow();
        if (iat < now - _options.IatWindow || iat > now + _options.IatWindow)
        {
            return DpopValidationResult.Invalid(BindingChecks.DpopIatInvalid, $"the DPoP proof's iat is more than {(int)_options.IatWindow.TotalSeconds}s from the server clock; create a fresh proof for each request (RFC 9449 section 4.3 step 11)");
        }

        // Step 12: ath binds the proof to the presented access token.
        if (request.AccessToken is not null)
        {
            var ath = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(request.AccessToken)));
            if (!string.Equals(ReadString(payload, "ath"), ath, StringComparison.Ordinal))
            {
                return DpopValidationResult.Invalid(BindingChecks.DpopAthMismatch, "the DPoP proof's ath must be base64url(SHA-256) of the access token sent with it (RFC 9449 section 4.3 step 12)");
            }
        }

        // Step 10: the server's nonce, when it asks for one.
        if (request.AcceptNonce is not null)
        {
            var nonce = ReadString(payload, "nonce");
            if (nonce is null || !request.AcceptNonce(nonce))
            {
                return DpopValidationResult.NonceRequired(BindingChecks.DpopNonceRequired, "this server requires a DPoP nonce; retry with the nonce from the DPoP-Nonce response header (RFC 9449 section 8)");
            }
        }

        return null;
    }

    /// <summary>
    /// RFC 9449 §4.3 step 9: compare without query and fragment, after RFC 3986 §6.2.2/§6.2.3
    /// normalisation (case of scheme and host, default port, empty path as "/").
    /// </summary>
    internal static string NormalizeHtu(Uri uri) =>
        uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);

    private static JsonElement ParseSegment(string encoded)
    {
        var bytes = Base64UrlEncoder.DecodeBytes(encoded);

        // RFC 8259 §8.1: JSON text is UTF-8. JsonDocument checks string contents only when they are read,
        // which would throw later, outside this parse step.
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw new FormatException("the segment is not UTF-8");
        }

        using var document = JsonDocument.Parse(bytes);
        return document.RootElement.Clone();
    }

    private static string? ReadString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s
            ? s
            : null;
}
