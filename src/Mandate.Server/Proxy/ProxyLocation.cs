using Mandate.Core.Protocol;

namespace Mandate.Server.Proxy;

/// <summary>
/// Where the plain proxy's upstream points the agent with <c>Location</c>, in the agent's terms. The tool's own
/// address must never reach the agent (following it would go past the proxy's credential, allow-list and audit), so a
/// Location under the tool's upstream is mapped back to the proxy path that reaches it, as reverse proxies do
/// (nginx <c>proxy_redirect default</c>); one elsewhere on the tool's host (another path, scheme or port) has no proxy
/// path and is refused. A Location on another host (a CDN, a pre-signed download) is the tool's to give and is relayed as it is.
/// </summary>
internal sealed record ProxyLocation(Uri UpstreamBase, string ProxyPrefix)
{
    /// <summary>The Location the agent gets, or null when it names the tool's host outside the tool's upstream.</summary>
    public string? Relocate(Uri requestUri, string location)
    {
        // RFC 9110 §10.2.2: a relative reference resolves against the target URI, here the upstream's.
        if (!Uri.TryCreate(requestUri, location, out var resolved))
        {
            return null;
        }

        // A host IDNA disallows (UriHost.Ascii is null) is not the tool's.
        if (UriHost.Ascii(resolved) is not { } host || !string.Equals(host, UriHost.Ascii(UpstreamBase), StringComparison.OrdinalIgnoreCase))
        {
            return location;
        }

        // The tool's host under another scheme or port (an upgrade to https, say) is still the tool's address.
        var basePath = UpstreamBase.AbsolutePath.TrimEnd('/');
        var path = resolved.AbsolutePath;
        if (!IsUpstreamOrigin(resolved) || (path != basePath && !path.StartsWith(basePath + "/", StringComparison.Ordinal)))
        {
            return null;
        }

        var rest = path[basePath.Length..];
        return ProxyPrefix + (rest.Length == 0 ? "/" : rest) + resolved.Query + resolved.Fragment;
    }

    private bool IsUpstreamOrigin(Uri resolved) =>
        string.Equals(resolved.Scheme, UpstreamBase.Scheme, StringComparison.OrdinalIgnoreCase) && resolved.Port == UpstreamBase.Port;
}
