using System.Globalization;

namespace Mandate.Core.Configuration;

/// <summary>Sizes as written in Mandate's YAML: bytes, or a number with KiB, MiB or GiB (e.g. <c>1MiB</c>, <c>512KiB</c>).</summary>
public static class ByteSize
{
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var (number, multiplier) = text.Trim() switch
        {
            var t when t.EndsWith("GiB", StringComparison.Ordinal) => (t[..^3], 1L << 30),
            var t when t.EndsWith("MiB", StringComparison.Ordinal) => (t[..^3], 1L << 20),
            var t when t.EndsWith("KiB", StringComparison.Ordinal) => (t[..^3], 1L << 10),
            var t when t.EndsWith('B') => (t[..^1], 1L),
            var t => (t, 1L),
        };
        if (!long.TryParse(number.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > (1L << 40) / multiplier)
        {
            return false;
        }

        bytes = n * multiplier;
        return true;
    }
}
