using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mandate.Server.Tests.Harness;

/// <summary>
/// Compact JWS built by hand, so a test controls every byte of a hostile token: header members,
/// claim types, algorithm and signature. Nothing here validates anything.
/// </summary>
internal static class RawJwt
{
    public static string Encode(IReadOnlyDictionary<string, object> header, IReadOnlyDictionary<string, object> payload, Func<byte[], byte[]>? sign)
    {
        var signingInput = Segment(header) + "." + Segment(payload);
        var signature = sign is null ? "" : Base64Url.EncodeToString(sign(Encoding.ASCII.GetBytes(signingInput)));
        return signingInput + "." + signature;
    }

    public static string Segment(object json) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(json));

    /// <summary>ES256 per RFC 7518 §3.4: the IEEE P1363 (r ‖ s) form, which is what .NET produces by default.</summary>
    public static Func<byte[], byte[]> Es256(ECDsa key) => data => key.SignData(data, HashAlgorithmName.SHA256);

    public static Func<byte[], byte[]> Hs256(byte[] secret) => data => HMACSHA256.HashData(secret, data);

    /// <summary>The public half of <paramref name="key"/> as a JWK, as an attacker would embed it.</summary>
    public static Dictionary<string, object> PublicJwk(ECDsa key)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        return new()
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64Url.EncodeToString(p.Q.X),
            ["y"] = Base64Url.EncodeToString(p.Q.Y),
        };
    }
}
