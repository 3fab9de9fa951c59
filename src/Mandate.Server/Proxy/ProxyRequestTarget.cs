using Mandate.Core.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mandate.Server.Proxy;

/// <summary>
/// The origin-form of a proxy request's target. RFC 9112 §3.2.2: a server MUST accept the absolute-form, whose
/// authority then names the target (RFC 9110 §7.2); Mandate is not a forward proxy, so an absolute-form target is taken
/// only when its scheme and authority are the proxy's own origin (<c>proxy.public_origin</c>, else the connection's
/// local address), and is then exactly its origin-form path. Any other origin is answered 421 and never fetched.
/// </summary>
internal static class ProxyRequestTarget
{
    /// <summary>The raw target in origin-form (anything not absolute-form is left to <see cref="ProxyTarget.TryParse"/>), or the refusal.</summary>
    public static (string? OriginForm, ProxyRefusal? Refusal) Resolve(HttpContext http, Uri? publicOrigin)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "";
        var schemeEnd = raw.IndexOf("://", StringComparison.Ordinal);
        if (raw.StartsWith('/') || schemeEnd <= 0)
        {
            return (raw, null);
        }

        var authorityEnd = raw.IndexOfAny(['/', '?'], schemeEnd + 3);
        var authority = authorityEnd < 0 ? raw[(schemeEnd + 3)..] : raw[(schemeEnd + 3)..authorityEnd];
        if (authority.Contains('@', StringComparison.Ordinal))
        {
            // RFC 9110 §4.2.4: userinfo in an http(s) URI received from an untrusted source is treated as an error.
            return (null, ProxyRefusal.BadRequest(ProxyChecks.TargetMalformed, "the absolute-form request target carries user information ('user@' before the host), which RFC 9110 section 4.2.4 deprecates and the proxy refuses; nothing was forwarded; send the origin-form path /{tool}/{path} with credentials in the Authorization header"));
        }

        var own = publicOrigin ?? LocalOrigin(http);
        var scheme = raw[..schemeEnd];
        if (!authority.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '[' or ']') || !Uri.TryCreate(scheme + "://" + authority + "/", UriKind.Absolute, out var named) || own is null || !SameOrigin(named, own))
        {
            // RFC 9110 §15.5.20: the request was directed at a server that is not able to produce a response for it.
            return (null, Misdirected(own));
        }

        // RFC 9110 §4.2.3: an empty path is "/".
        var rest = authorityEnd < 0 ? "/" : raw[authorityEnd..];
        return (rest.StartsWith('?') ? "/" + rest : rest, null);
    }

    private static ProxyRefusal Misdirected(Uri? own) => new(
        StatusCodes.Status421MisdirectedRequest,
        "misdirected request",
        $"the absolute-form request target names another origin than this proxy's ({own?.GetLeftPart(UriPartial.Authority) ?? "unknown"}); Mandate is not a forward proxy and fetches no URI it is given, so nothing was forwarded; send the origin-form path /{{tool}}/{{path}}, or an absolute-form target on the proxy's own origin")
    { CheckId = ProxyChecks.TargetMisdirected };

    private static Uri? LocalOrigin(HttpContext http)
    {
        var local = http.Connection.LocalIpAddress;
        if (local is null)
        {
            return null;
        }

        var host = local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{local}]" : local.ToString();
        return new Uri($"http://{host}:{http.Connection.LocalPort}/");
    }

    // RFC 9110 §4.3.1 / RFC 3986 §6.2.3: scheme and host compare case-insensitively; an omitted port is the scheme's default.
    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && UriHost.Ascii(a) is { } host && string.Equals(host, UriHost.Ascii(b), StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
