namespace Mandate.Policy;

/// <summary>
/// One entry of a rule's <c>http:</c> allow-list: a method (or <c>*</c>) and a path pattern whose
/// <c>*</c> matches one segment and whose final <c>**</c> matches the rest (zero or more segments).
/// </summary>
public sealed class HttpAllowEntry
{
    private readonly string[] _segments;

    private HttpAllowEntry(string method, string path, string[] segments)
    {
        Method = method;
        Path = path;
        _segments = segments;
    }

    /// <summary>Upper-case method, or <c>*</c> for any method.</summary>
    public string Method { get; }

    /// <summary>The pattern as written, e.g. <c>/v1/charges/*</c>.</summary>
    public string Path { get; }

    public override string ToString() => $"{Method} {Path}";

    /// <summary>Parses <c>METHOD /path</c> parts; returns null with a message saying how to write it.</summary>
    public static HttpAllowEntry? TryParse(string method, string path, out string? error)
    {
        error = null;
        if (method != "*" && (method.Length == 0 || !method.All(char.IsAsciiLetterUpper)))
        {
            error = $"method '{method}' must be an upper-case HTTP method such as GET or POST, or '*'";
            return null;
        }

        if (!path.StartsWith('/') || path.Contains("//", StringComparison.Ordinal) || path.Contains('?') || path.Contains('#') || path.Contains('%'))
        {
            error = $"path '{path}' must start with '/', without '//', query, fragment or percent-escapes, e.g. /v1/charges/*";
            return null;
        }

        var segments = path.Length == 1 ? [] : path[1..].Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var s = segments[i];
            if (s is "." or ".." || (s.Contains('*') && s is not ("*" or "**")) || (s == "**" && i != segments.Length - 1))
            {
                error = $"path '{path}': '*' must be a whole segment, '**' only the last one, and '.'/'..' are not allowed";
                return null;
            }
        }

        return new HttpAllowEntry(method, path, segments);
    }

    /// <summary>Whether a request with this method and already-normalized path (decoded segments) is allowed.</summary>
    public bool Matches(string method, IReadOnlyList<string> pathSegments)
    {
        if (Method != "*" && !string.Equals(Method, method, StringComparison.Ordinal))
        {
            return false;
        }

        for (var i = 0; i < _segments.Length; i++)
        {
            var pattern = _segments[i];
            if (pattern == "**")
            {
                return true;
            }

            if (i >= pathSegments.Count || (pattern != "*" && !string.Equals(pattern, pathSegments[i], StringComparison.Ordinal)) || (pattern == "*" && pathSegments[i].Length == 0))
            {
                return false;
            }
        }

        return pathSegments.Count == _segments.Length;
    }
}
