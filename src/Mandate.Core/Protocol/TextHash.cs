using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Mandate.Core.Protocol;

/// <summary>
/// SHA-256 of text lines (UTF-8, joined by '\n'; a null line counts as empty), encoded in a pooled buffer. The
/// exchange hashes several kilobytes of text per request (tokens for the caches, audit payloads for the chain);
/// encoding each into a fresh array, and concatenating lines first, only fed the garbage collector.
/// </summary>
public static class TextHash
{
    public static void Sha256(Span<byte> destination, params ReadOnlySpan<string?> lines)
    {
        var length = Math.Max(lines.Length - 1, 0);
        foreach (var line in lines)
        {
            length += Encoding.UTF8.GetMaxByteCount(line?.Length ?? 0);
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var buffer = rented.AsSpan();
            var written = 0;
            for (var i = 0; i < lines.Length; i++)
            {
                if (i > 0)
                {
                    buffer[written++] = (byte)'\n';
                }

                written += Encoding.UTF8.GetBytes(lines[i], buffer[written..]);
            }

            SHA256.HashData(buffer[..written], destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static byte[] Sha256(params ReadOnlySpan<string?> lines)
    {
        var hash = new byte[SHA256.HashSizeInBytes];
        Sha256(hash, lines);
        return hash;
    }

    /// <summary>The hash as lowercase hex.</summary>
    public static string Sha256Hex(params ReadOnlySpan<string?> lines)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        Sha256(hash, lines);
        return Convert.ToHexStringLower(hash);
    }
}
