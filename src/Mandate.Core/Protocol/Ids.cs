using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Protocol;

/// <summary>
/// Identifiers with a readable prefix (<c>dec_…</c>, <c>run_…</c>, <c>jti_…</c>): 48 bits of milliseconds
/// then 80 random bits, base64url. Unguessable, and time-ordered so the audit indexes keyed by them
/// grow at the end instead of touching a random page per insert (as UUIDv7/ULID do).
/// </summary>
public static class Ids
{
    public static string New(string prefix) => New(prefix, DateTimeOffset.UtcNow);

    public static string New(string prefix, DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes[..8], now.ToUnixTimeMilliseconds() << 16);
        RandomNumberGenerator.Fill(bytes[6..]);
        return $"{prefix}_{Base64UrlEncoder.Encode(bytes.ToArray())}";
    }
}
