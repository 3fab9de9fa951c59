using System.Net;

namespace Mandate.Mcp;

/// <summary>
/// Streamable HTTP §Security Warning: servers MUST validate the <c>Origin</c> header on every incoming connection, so a
/// web page whose host name was re-bound to this server (DNS rebinding) cannot reach it from a browser. A request
/// without <c>Origin</c> (agents, non-browser clients) passes; one with exactly one allowed origin passes; anything
/// else, including <c>Origin: null</c> and a repeated header, is refused with 403. Origins compare as RFC 6454
/// serializations: scheme and host case-insensitively, the scheme's default port implied.
/// </summary>
public sealed class McpOriginPolicy
{
    private static readonly string[] LoopbackHosts = ["127.0.0.1", "localhost", "[::1]"];

    private readonly HashSet<string> _allowed;

    /// <summary>
    /// Allows each of <paramref name="allowed"/>: origins or absolute http(s) URLs (only their origin counts).
    /// Throws <see cref="ArgumentException"/> naming a value that is neither.
    /// </summary>
    public McpOriginPolicy(IEnumerable<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        _allowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in allowed)
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new ArgumentException($"'{McpText.Shown(value)}' is not an http(s) origin such as https://app.example", nameof(allowed));
            }

            _allowed.Add(OriginOf(uri));
        }
    }

    /// <summary>The allowed origins, normalized (lowercase scheme and host, default ports omitted).</summary>
    public IReadOnlyCollection<string> Allowed => _allowed;

    /// <summary>
    /// The origins a browser page on this machine uses for a server listening at <paramref name="listen"/> when that
    /// address is a loopback or wildcard one (127.0.0.1, localhost and [::1] at its scheme and port); none otherwise.
    /// </summary>
    public static IEnumerable<string> LoopbackOrigins(Uri listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var host = listen.Host.Trim('[', ']');
        var local = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)));
        return local ? LoopbackHosts.Select(h => $"{listen.Scheme}://{h}:{listen.Port}") : [];
    }

    /// <summary>
    /// Null when the request may proceed; otherwise the refusal: HTTP 403 with JSON-RPC -32600 and no id (the body is
    /// not read first). <paramref name="origin"/> is every value of the request's <c>Origin</c> header.
    /// </summary>
    public McpWireError? Check(IReadOnlyList<string?> origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        if (origin.Count == 0)
        {
            return null;
        }

        if (origin.Count == 1 && Normalize(origin[0]) is { } presented && _allowed.Contains(presented))
        {
            return null;
        }

        var allowed = _allowed.Count == 0 ? "none" : string.Join(", ", _allowed.Order(StringComparer.Ordinal));
        return new McpWireError(JsonRpcErrorCodes.InvalidRequest,
            $"Forbidden: the Origin header is not an origin this MCP server accepts ({allowed}); MCP endpoints refuse cross-origin browser requests (DNS rebinding)", 403);
    }

    /// <summary>The serialized origin <paramref name="value"/> names (RFC 6454 §6.2), normalized; null when it is not one.</summary>
    public static string? Normalize(string? value)
    {
        if (string.IsNullOrEmpty(value) || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.UserInfo.Length > 0 || uri.PathAndQuery != "/" || uri.Fragment.Length > 0 || value.EndsWith('/'))
        {
            return null;
        }

        return OriginOf(uri);
    }

    private static string OriginOf(Uri uri) => uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
}
