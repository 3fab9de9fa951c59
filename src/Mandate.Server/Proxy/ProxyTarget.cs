using System.Text;

namespace Mandate.Server.Proxy;

/// <summary>
/// The request target of a proxied call, parsed strictly from the raw target: <c>/{tool}/{path}?{query}</c>.
/// Segments are percent-decoded once to check them and re-encoded canonically for the upstream, so
/// dot segments, encoded slashes and double decoding cannot walk outside the allow-listed path.
/// </summary>
internal sealed record ProxyTarget(string Tool, IReadOnlyList<string> Segments, string? Query)
{
    private const int MaxTargetLength = 8 * 1024;

    /// <summary>The decoded path after the tool name, for audit and errors (never the query).</summary>
    public string Path => "/" + string.Join('/', Segments);

    /// <summary>The path re-encoded for the upstream (RFC 3986 §3.3 pchar), with the raw query.</summary>
    public string UpstreamPathAndQuery => "/" + string.Join('/', Segments.Select(Encode)) + (Query is null ? "" : "?" + Query);

    public static ProxyTarget? TryParse(string rawTarget, out string error)
    {
        error = "";
        if (rawTarget.Length is 0 or > MaxTargetLength || rawTarget[0] != '/')
        {
            error = "the request target must be an origin-form path /{tool}/{path} under 8 KiB";
            return null;
        }

        var q = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = q < 0 ? rawTarget : rawTarget[..q];
        var query = q < 0 ? null : rawTarget[(q + 1)..];
        if (rawTarget.Any(c => c <= 0x20 || c >= 0x7f || c is '\\' or '#'))
        {
            error = "the request target contains a space, control, backslash, fragment or non-ASCII character";
            return null;
        }

        var raw = rawPath[1..].Split('/');
        var segments = new List<string>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var decoded = Decode(raw[i]);
            if (decoded is null)
            {
                error = "a path segment has a bad percent-escape or is not UTF-8";
                return null;
            }

            // RFC 3986 §5.2.4 dot segments, and escaped separators, would let the upstream see another path than the one checked;
            // so would "..;x", which servlet containers and others read as ".." with a path parameter.
            if (decoded.Split(';')[0] is "." or ".." || decoded.Contains('/') || decoded.Contains('\\') || decoded.Any(char.IsControl))
            {
                error = "the path contains a dot segment ('.', '..', also percent-encoded or followed by ';') or an encoded slash, backslash or control character";
                return null;
            }

            if (decoded.Length == 0 && i != raw.Length - 1)
            {
                error = "the path contains an empty segment ('//')";
                return null;
            }

            segments.Add(decoded);
        }

        var tool = segments[0];
        if (raw[0].Contains('%') || tool.Length == 0 || tool.Length > 64 || !tool.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            error = "the first path segment must name a tool (letters, digits, '-', '_', '.'), written without percent-escapes";
            return null;
        }

        return new ProxyTarget(tool, segments.Count == 1 ? [] : segments[1..], query);
    }

    private static string? Decode(string segment)
    {
        if (!segment.Contains('%'))
        {
            return segment;
        }

        var bytes = new List<byte>(segment.Length);
        for (var i = 0; i < segment.Length; i++)
        {
            if (segment[i] != '%')
            {
                bytes.Add((byte)segment[i]);
                continue;
            }

            if (i + 2 >= segment.Length || !Uri.IsHexDigit(segment[i + 1]) || !Uri.IsHexDigit(segment[i + 2]))
            {
                return null;
            }

            bytes.Add(Convert.ToByte(segment.Substring(i + 1, 2), 16));
            i += 2;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static string Encode(string segment)
    {
        var sb = new StringBuilder(segment.Length);
        foreach (var b in Encoding.UTF8.GetBytes(segment))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=:@".Contains(c))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
