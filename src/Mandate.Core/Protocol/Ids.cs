using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Mandate.Core.Protocol;

/// <summary>
/// Identifiers with a readable prefix (<c>dec_…</c>, <c>run_…</c>, <c>jti_…</c>): 48 bits of milliseconds
/// then 80 random bits, in base64url's 64 digits taken in ASCII order. Unguessable, and time-ordered so the audit indexes keyed by them
/// grow at the end instead of touching a random page per insert (as UUIDv7/ULID do).
/// </summary>
public static class Ids
{
    private const int RandomBytes = 10;

    // The random bits come from the CSPRNG a block at a time. Each draw from OpenSSL's generator costs a fork
    // check (a getpid system call) and a cipher set-up, and an exchange makes several ids; a block is one draw.
    // Bytes handed out are cleared from the block, so it never holds an id already issued.
    private const int IdsPerBlock = 32;

    [ThreadStatic]
    private static byte[]? t_block;

    [ThreadStatic]
    private static int t_next;

    public static string New(string prefix) => New(prefix, DateTimeOffset.UtcNow);

    public static string New(string prefix, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes[..8], now.ToUnixTimeMilliseconds() << 16);
        FillRandom(bytes[6..]);
        Span<char> text = stackalloc char[22];
        Base64Url.EncodeToChars(bytes, text);
        foreach (ref var c in text)
        {
            c = SortedDigits[c];
        }

        return string.Concat(prefix, "_", text);
    }

    /// <summary>
    /// An id that alone lets its holder ask for something (an approval's <c>auth_req_id</c>): OpenID CIBA Core §7.3 asks
    /// for at least 128 bits of entropy, so 128 random bits follow the 48 bits of milliseconds (30 digits, time-ordered).
    /// </summary>
    public static string NewHandle(string prefix, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        Span<byte> bytes = stackalloc byte[24];
        BinaryPrimitives.WriteInt64BigEndian(bytes[..8], now.ToUnixTimeMilliseconds() << 16);
        RandomNumberGenerator.Fill(bytes[6..22]);
        Span<char> text = stackalloc char[32];
        Base64Url.EncodeToChars(bytes, text);
        foreach (ref var c in text)
        {
            c = SortedDigits[c];
        }

        // 22 bytes are 30 digits; the two zero bytes after them only pad the encoding to whole digits.
        return string.Concat(prefix, "_", text[..30]);
    }

    // Base64url's digits in ASCII order: '0'-'9' encode values above the letters, so plain base64url text does not
    // sort as its bytes do, and the time prefix would only order ids most of the time. Each digit is replaced by the
    // one of the same value in "-0-9A-Z_a-z", which does (URL-safe and the same length, as in ULID-style ids).
    private static readonly char[] SortedDigits = Translation(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz");

    private static char[] Translation(string from, string to)
    {
        var map = new char[128];
        for (var i = 0; i < from.Length; i++)
        {
            map[from[i]] = to[i];
        }

        return map;
    }

    private static void FillRandom(Span<byte> destination)
    {
        var block = t_block ??= new byte[RandomBytes * IdsPerBlock];
        if (t_next == 0)
        {
            RandomNumberGenerator.Fill(block);
        }

        var next = block.AsSpan(t_next, RandomBytes);
        next.CopyTo(destination);
        next.Clear();
        t_next = (t_next + RandomBytes) % block.Length;
    }
}
