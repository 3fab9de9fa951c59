namespace Mandate.Core.Protocol;

/// <summary>RFC 8707 §2: a resource indicator is an absolute URI and MUST NOT include a fragment.</summary>
internal static class ResourceUri
{
    public static bool IsValid(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        // .NET also reads "/path" (Unix) and "//host/path" (UNC) as absolute file URIs; a URI starts with its scheme.
        && value.StartsWith(uri.Scheme + ":", StringComparison.OrdinalIgnoreCase)
        && !value.Contains('#', StringComparison.Ordinal);

    /// <summary>
    /// For an http(s) URI naming an origin alone (<c>https://refunds.acme.example</c>, with or without the <c>/</c> of its
    /// empty path), the form every spelling of it shares: RFC 3986 §6.2.3 makes the empty path and <c>/</c> the same,
    /// and scheme and host case-insensitive, and the default port the same as none. JavaScript's <c>URL</c> (and with it
    /// the MCP TypeScript SDK) always writes the <c>/</c>. Null for anything else: a path, query or user part stays exact.
    /// </summary>
    public static string? OriginForm(string value)
    {
        var authority = value.IndexOf("://", StringComparison.Ordinal) + 3;
        if (authority < 3 || value.AsSpan(authority).IndexOfAny("?#@\\") >= 0)
        {
            return null;
        }

        var slash = value.IndexOf('/', authority);
        if ((slash >= 0 && slash != value.Length - 1)
            || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || UriHost.Ascii(uri) is not { Length: > 0 } host)
        {
            return null;
        }

        return uri.IsDefaultPort ? $"{uri.Scheme}://{host}/" : $"{uri.Scheme}://{host}:{uri.Port}/";
    }
}
