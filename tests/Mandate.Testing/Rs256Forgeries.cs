using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Testing;

/// <summary>
/// Tokens made from a genuine RS256 credential the broker issued, each wrong in one way an attacker or a confused
/// verifier would try against a broker that publishes RSA and EC keys side by side (RFC 8725 §2.1, §3.1). Signatures
/// use the broker's own private keys where the point is that a real signature under the wrong algorithm or key must
/// still be refused. Nothing here validates anything.
/// </summary>
/// <param name="Rsa">The broker's RS256 private key.</param>
/// <param name="RsaKid">Its kid.</param>
/// <param name="RsaJwk">Its public JWK exactly as the broker's JWKS publishes it.</param>
/// <param name="Ec">The broker's ES256 private key.</param>
/// <param name="EcKid">Its kid.</param>
public sealed record Rs256Forgeries(RSA Rsa, string RsaKid, string RsaJwk, ECDsa Ec, string EcKid)
{
    /// <summary>Every forgery <see cref="Create"/> builds, by name.</summary>
    public static readonly string[] Names =
    [
        "alg-none", "hs256-with-rsa-jwk", "hs256-with-rsa-pem", "rs256-header-with-es256-kid", "es256-header-with-rs256-kid",
        "ps256-over-rsa-key", "rs384-over-rsa-key", "rsa-key-not-in-jwks", "rsa-key-not-in-jwks-with-real-kid", "tampered-payload",
    ];

    /// <summary>The forgery <paramref name="name"/> of <paramref name="genuine"/>.</summary>
    public string Create(string name, string genuine)
    {
        ArgumentNullException.ThrowIfNull(genuine);
        var parts = genuine.Split('.');
        var payload = parts[1];
        switch (name)
        {
            case "alg-none":
                return Encode("none", RsaKid, payload, _ => []);
            case "hs256-with-rsa-jwk":
                // RFC 8725 §2.1: the RSA public key a verifier holds, as the JWKS publishes it, misused as an HMAC secret.
                return Encode("HS256", RsaKid, payload, data => HMACSHA256.HashData(Encoding.UTF8.GetBytes(RsaJwk), data));
            case "hs256-with-rsa-pem":
                return Encode("HS256", RsaKid, payload, data => HMACSHA256.HashData(Encoding.ASCII.GetBytes(Rsa.ExportSubjectPublicKeyInfoPem()), data));
            case "rs256-header-with-es256-kid":
                // A real RSA signature, but the kid names the EC key: an EC key never verifies RS256.
                return Encode("RS256", EcKid, payload, data => Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            case "es256-header-with-rs256-kid":
                return Encode("ES256", RsaKid, payload, data => Ec.SignData(data, HashAlgorithmName.SHA256));
            case "ps256-over-rsa-key":
                return Encode("PS256", RsaKid, payload, data => Rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
            case "rs384-over-rsa-key":
                return Encode("RS384", RsaKid, payload, data => Rsa.SignData(data, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1));
            case "rsa-key-not-in-jwks":
            case "rsa-key-not-in-jwks-with-real-kid":
                using (var attacker = RSA.Create(2048))
                {
                    var kid = name.EndsWith("real-kid", StringComparison.Ordinal) ? RsaKid : "attacker-rsa";
                    return Encode("RS256", kid, payload, data => attacker.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
                }

            case "tampered-payload":
                // The genuine header and signature around a payload that grants more.
                var claims = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(payload))!;
                var widened = new Dictionary<string, object>(claims.Select(c => KeyValuePair.Create(c.Key, (object)c.Value)))
                {
                    ["scope"] = claims["scope"].GetString() + " admin",
                };
                return parts[0] + "." + Base64UrlEncoder.Encode(JsonSerializer.Serialize(widened)) + "." + parts[2];
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "not a forgery");
        }
    }

    private static string Encode(string alg, string kid, string payload, Func<byte[], byte[]> sign)
    {
        var header = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new Dictionary<string, string> { ["alg"] = alg, ["kid"] = kid, ["typ"] = "at+jwt" }));
        var input = header + "." + payload;
        return input + "." + Base64UrlEncoder.Encode(sign(Encoding.ASCII.GetBytes(input)));
    }
}
