using System.Buffers;

namespace Mandate.Core.Protocol;

/// <summary>RFC 8707 §2: a resource indicator is an absolute URI and MUST NOT include a fragment.</summary>
internal static class ResourceUri
{
    /// <summary>RFC 3986 §2: unreserved and reserved characters, and the '%' of a percent-encoding.</summary>
    private static readonly SearchValues<char> UriCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%");

    public static bool IsValid(string value) =>
        // RFC 8707 §2: "an absolute URI, as specified by Section 4.3 of [RFC3986]", which is ASCII without spaces or
        // controls; .NET's Uri would trim a trailing space or line break and escape the rest, reading another value.
        IsUriText(value)
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
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
        if (!IsUriText(value))
        {
            // An audience is matched here too: "https://refunds.acme.example " is no spelling of the tool's URI.
            return null;
        }

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

    /// <summary>RFC 3986 §2.1 and §2.2: only URI characters, and every '%' followed by two hexadecimal digits.</summary>
    private static bool IsUriText(string value)
    {
        if (value.AsSpan().ContainsAnyExcept(UriCharacters))
        {
            return false;
        }

        for (var i = value.IndexOf('%', StringComparison.Ordinal); i >= 0; i = value.IndexOf('%', i + 1))
        {
            if (i + 2 >= value.Length || !char.IsAsciiHexDigit(value[i + 1]) || !char.IsAsciiHexDigit(value[i + 2]))
            {
                return false;
            }
        }

        return true;
    }
}
