using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Net.Http.Headers;

namespace Mandate.Server.Http;

/// <summary>
/// RFC 9110 §8.6: <c>Content-Length = 1*DIGIT</c>. Kestrel's own parse takes a sign (<c>+3</c> as 3, <c>-0</c> as 0), a
/// framing another hop may read differently. Kestrel keeps no raw value, but reads the header through a plain number parse
/// when it is given an encoding for it: this one decodes every byte that is not a DIGIT to a letter, so the parse fails and
/// Kestrel answers 400 and closes the connection (RFC 9112 §6.3) before any endpoint or the proxy sees the request.
/// </summary>
internal sealed class ContentLengthDigits : Encoding
{
    private static readonly ContentLengthDigits Instance = new();

    /// <summary>Makes every listener of <paramref name="kestrel"/> refuse a Content-Length that is not 1*DIGIT.</summary>
    public static void Apply(KestrelServerOptions kestrel) =>
        kestrel.RequestHeaderEncodingSelector = name => string.Equals(name, HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase) ? Instance : null;

    public override int GetByteCount(char[] chars, int index, int count) => count;

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex)
    {
        ArgumentNullException.ThrowIfNull(chars);
        ArgumentNullException.ThrowIfNull(bytes);
        for (var i = 0; i < charCount; i++)
        {
            bytes[byteIndex + i] = (byte)chars[charIndex + i];
        }

        return charCount;
    }

    public override int GetCharCount(byte[] bytes, int index, int count) => count;

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return GetChars(bytes.AsSpan(byteIndex, byteCount), chars.AsSpan(charIndex));
    }

    /// <summary>Kestrel decodes into 20 chars: a longer value fills them, which its parse refuses as over 19 digits.</summary>
    public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        var count = Math.Min(bytes.Length, chars.Length);
        for (var i = 0; i < count; i++)
        {
            chars[i] = char.IsAsciiDigit((char)bytes[i]) ? (char)bytes[i] : 'x';
        }

        return count;
    }

    public override int GetMaxByteCount(int charCount) => charCount;

    public override int GetMaxCharCount(int byteCount) => byteCount;
}
