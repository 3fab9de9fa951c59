using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Mandate.Core.Protocol;

/// <summary>
/// Identifiers with a readable prefix (<c>dec_…</c>, <c>run_…</c>, <c>jti_…</c>): 48 bits of milliseconds
/// then 80 random bits, base64url. Unguessable, and time-ordered so the audit indexes keyed by them
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
        return string.Concat(prefix, "_", Base64Url.EncodeToString(bytes));
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
