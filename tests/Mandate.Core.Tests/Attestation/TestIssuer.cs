using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Tests.Attestation;

/// <summary>
/// An ES256 issuer for tests: its key pair, its JWKS and hand-built compact JWS tokens, so every
/// header parameter and claim (and the signature) is the test's choice, including hostile ones.
/// </summary>
internal sealed class TestIssuer : IDisposable
{
    public TestIssuer(string issuer, string? kid = null)
    {
        Issuer = issuer;
        Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = Key.ExportParameters(includePrivateParameters: false);
        X = Base64UrlEncoder.Encode(parameters.Q.X!);
        Y = Base64UrlEncoder.Encode(parameters.Q.Y!);
        Kid = kid ?? "kid-" + Guid.NewGuid().ToString("N")[..12];
    }

    public string Issuer { get; }
    public string Kid { get; }
    public ECDsa Key { get; }
    public string X { get; }
    public string Y { get; }

    /// <summary>The public key as a JWK object (no private members).</summary>
    public Dictionary<string, object> PublicJwk => new()
    {
        ["kty"] = "EC",
        ["crv"] = "P-256",
        ["x"] = X,
        ["y"] = Y,
        ["kid"] = Kid,
        ["use"] = "sig",
        ["alg"] = "ES256",
    };

    /// <summary>A JWKS document holding the public keys of <paramref name="issuers"/>.</summary>
    public static string Jwks(params TestIssuer[] issuers) =>
        JsonSerializer.Serialize(new { keys = issuers.Select(i => i.PublicJwk) });

    /// <summary>A token with sensible defaults (ES256, typ JWT, kid, iss, sub, aud, iat, exp in 5 minutes, jti), then <paramref name="edit"/>.</summary>
    public string Token(string subject, string audience, DateTimeOffset now, Action<TokenParts>? edit = null)
    {
        var parts = new TokenParts(
            new Dictionary<string, object> { ["alg"] = "ES256", ["typ"] = "JWT", ["kid"] = Kid },
            new Dictionary<string, object>
            {
                ["iss"] = Issuer,
                ["sub"] = subject,
                ["aud"] = audience,
                ["iat"] = now.ToUnixTimeSeconds(),
                ["exp"] = (now + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds(),
                ["jti"] = "jti-" + Guid.NewGuid().ToString("N"),
            });
        edit?.Invoke(parts);
        return Sign(parts.Header, parts.Payload);
    }

    /// <summary>Signs header and payload as given with this issuer's key (ES256, whatever the header says).</summary>
    public string Sign(IReadOnlyDictionary<string, object> header, IReadOnlyDictionary<string, object> payload)
    {
        var input = Encode(header) + "." + Encode(payload);
        var signature = Key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return input + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>base64url of the JSON of <paramref name="value"/>, as in a compact JWS.</summary>
    public static string Encode(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));

    public void Dispose() => Key.Dispose();
}
