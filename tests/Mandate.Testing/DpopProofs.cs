using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Testing;

/// <summary>
/// A client's DPoP key and a builder of proofs (RFC 9449 §4.2) signed with it; every knob that a
/// negative test needs (wrong key, private jwk, other alg, stale iat) is a parameter.
/// </summary>
public sealed class DpopProofs : IDisposable
{
    private readonly ECDsa _ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public DpopProofs()
    {
        Key = new ECDsaSecurityKey(_ecdsa);
        PublicJwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(_ecdsa.ExportParameters(false))));
        Thumbprint = Base64UrlEncoder.Encode(PublicJwk.ComputeJwkThumbprint());
    }

    public ECDsaSecurityKey Key { get; }

    public JsonWebKey PublicJwk { get; }

    /// <summary>RFC 7638 thumbprint of the public key: the expected <c>cnf.jkt</c>.</summary>
    public string Thumbprint { get; }

    /// <summary>A proof for <paramref name="method"/> <paramref name="uri"/>; optional members override defaults.</summary>
    public string Create(
        string method,
        string uri,
        DateTimeOffset issuedAt,
        string? jti = null,
        string? accessToken = null,
        string? nonce = null,
        SigningCredentials? signWith = null,
        IDictionary<string, object>? jwk = null,
        string typ = "dpop+jwt",
        IDictionary<string, object>? extraHeader = null)
    {
        var claims = new Dictionary<string, object>
        {
            ["jti"] = jti ?? Guid.NewGuid().ToString("N"),
            ["htm"] = method,
            ["htu"] = uri,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
        };
        if (accessToken is not null)
        {
            claims["ath"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
        }

        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }

        var header = new Dictionary<string, object> { ["jwk"] = jwk ?? PublicJwkMembers() };
        foreach (var (name, value) in extraHeader ?? new Dictionary<string, object>())
        {
            header[name] = value;
        }

        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = signWith ?? new SigningCredentials(Key, SecurityAlgorithms.EcdsaSha256),
            TokenType = typ,
            AdditionalHeaderClaims = header,
        });
    }

    /// <summary>The public JWK as header members (kty, crv, x, y).</summary>
    public Dictionary<string, object> PublicJwkMembers() => new()
    {
        ["kty"] = PublicJwk.Kty,
        ["crv"] = PublicJwk.Crv,
        ["x"] = PublicJwk.X,
        ["y"] = PublicJwk.Y,
    };

    /// <summary>The JWK with the private scalar <c>d</c> included: a proof must never carry it.</summary>
    public Dictionary<string, object> PrivateJwkMembers()
    {
        var members = PublicJwkMembers();
        members["d"] = Base64UrlEncoder.Encode(_ecdsa.ExportParameters(true).D!);
        return members;
    }

    /// <summary>An unsigned proof with <c>alg: none</c>.</summary>
    public string CreateUnsigned(string method, string uri, DateTimeOffset issuedAt)
    {
        var header = JsonSerializer.Serialize(new Dictionary<string, object> { ["typ"] = "dpop+jwt", ["alg"] = "none", ["jwk"] = PublicJwkMembers() });
        var payload = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["jti"] = Guid.NewGuid().ToString("N"), ["htm"] = method, ["htu"] = uri, ["iat"] = issuedAt.ToUnixTimeSeconds(),
        });
        return Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(payload) + ".";
    }

    /// <summary>
    /// A compact JWS of exactly <paramref name="headerJson"/> and <paramref name="payloadJson"/> as written, signed ES256 with
    /// this key: for the shapes IdentityModel will not build (a claim left out or of the wrong JSON type, a jwk of any form).
    /// </summary>
    public string SignedAsWritten(string headerJson, string payloadJson)
    {
        ArgumentNullException.ThrowIfNull(headerJson);
        ArgumentNullException.ThrowIfNull(payloadJson);
        var input = Base64UrlEncoder.Encode(headerJson) + "." + Base64UrlEncoder.Encode(payloadJson);
        return input + "." + Base64UrlEncoder.Encode(_ecdsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256));
    }

    /// <summary>The public JWK as a JSON object, for <see cref="SignedAsWritten"/>.</summary>
    public string PublicJwkJson() => JsonSerializer.Serialize(PublicJwkMembers());

    /// <summary>The claims of a proof for POST <paramref name="htu"/> at <paramref name="iat"/> (fractions allowed), with a fresh jti.</summary>
    public static Dictionary<string, object> PostClaims(string htu, double iat) => new()
    {
        ["jti"] = Guid.NewGuid().ToString("N"),
        ["htm"] = "POST",
        ["htu"] = htu,
        ["iat"] = iat,
    };

    /// <summary>
    /// A proof signed with <paramref name="rsa"/> under <paramref name="alg"/> (RS256 or PS256), its public key in <c>jwk</c>;
    /// <paramref name="leadingZeros"/> zero octets are put before <c>n</c> or <c>e</c> (the member it names), as a
    /// careless encoder writes the same key.
    /// </summary>
    public static string SignedWithRsa(RSA rsa, string alg, IReadOnlyDictionary<string, object> claims, string? paddedMember = null, int leadingZeros = 1)
    {
        ArgumentNullException.ThrowIfNull(rsa);
        ArgumentNullException.ThrowIfNull(alg);
        var key = rsa.ExportParameters(includePrivateParameters: false);
        byte[] Written(string member, byte[] value) => member == paddedMember ? [.. new byte[leadingZeros], .. value] : value;
        var header = new Dictionary<string, object>
        {
            ["typ"] = "dpop+jwt",
            ["alg"] = alg,
            ["jwk"] = new Dictionary<string, string> { ["kty"] = "RSA", ["n"] = Base64UrlEncoder.Encode(Written("n", key.Modulus!)), ["e"] = Base64UrlEncoder.Encode(Written("e", key.Exponent!)) },
        };
        var input = Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var padding = alg.StartsWith("PS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        return input + "." + Base64UrlEncoder.Encode(rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, padding));
    }

    public void Dispose() => _ecdsa.Dispose();
}
