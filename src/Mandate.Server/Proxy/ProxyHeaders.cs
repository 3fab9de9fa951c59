using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Mandate.Server.Proxy;

/// <summary>Which headers cross the proxy, in either direction.</summary>
internal static class ProxyHeaders
{
    /// <summary>The agent presents its run token here (run-token mode).</summary>
    public const string RunToken = "Mandate-Run-Token";

    /// <summary>The DPoP proof of a DPoP-bound credential (RFC 9449 §4.1); never forwarded.</summary>
    public const string Dpop = "DPoP";

    /// <summary>The agent's workload identity (JWT-SVID) in run-token mode.</summary>
    public const string ActorToken = "Mandate-Actor-Token";

    /// <summary>The scopes to request in run-token mode, space-separated.</summary>
    public const string Scope = "Mandate-Scope";

    // RFC 9110 §7.6.1: connection-specific fields are not forwarded; nor are Proxy-* and Host (set from the upstream URL).
    private static readonly FrozenSet<string> HopByHop = new[]
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
        // RFC 9113 §3.1 (RFC 7540 §3.2.1): the settings of an HTTP/1.1 upgrade to h2c, for this connection only.
        "HTTP2-Settings",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // The agent's own credentials never travel upstream: the proxy injects what the tool expects instead.
    private static readonly FrozenSet<string> AgentOnly = new[]
    {
        "Authorization", Dpop, RunToken, ActorToken, Scope, "Host", "Expect", "Content-Length",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // RFC 7239 and its X- forerunners: what a trusted proxy says about the client. An agent writing them would tell the tool,
    // which trusts the hop in front of it, a client address or host of its choosing.
    private static readonly FrozenSet<string> ProxyStatements = new[]
    {
        "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Forwarded-Prefix", "X-Real-IP",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // RFC 7838 §3: Alt-Svc offers other ways to reach the origin the client talked to, which is the proxy; relayed, the tool
    // would steer where the agent sends its next calls.
    private static readonly FrozenSet<string> OriginStatements = new[] { "Alt-Svc" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    // Response fields that may carry the upstream's own address.
    private static readonly FrozenSet<string> UpstreamAddresses = new[] { "Location", "Content-Location", "Link", "Refresh" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a response header may name the upstream's address (dropped where <see cref="ProxyUpstreamCall.DropUpstreamAddresses"/> is set).</summary>
    public static bool MayNameUpstream(string name) => UpstreamAddresses.Contains(name);

    // RFC 6265 §8.5: cookies are not isolated by port, so a host's cookies reach every service on it.
    private static readonly FrozenSet<string> Cookies = new[] { "Cookie", "Set-Cookie", "Set-Cookie2" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a header is a cookie, either way (dropped where <see cref="ProxyUpstreamCall.DropCookies"/> is set).</summary>
    public static bool IsCookie(string name) => Cookies.Contains(name);

    /// <summary>Whether a request header asks for part of the answer (<c>Range</c>, or <c>If-Range</c>, which only qualifies one).</summary>
    public static bool AsksForRange(string name) =>
        name.Equals("Range", StringComparison.OrdinalIgnoreCase) || name.Equals("If-Range", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a request header goes upstream.</summary>
    public static bool ForwardRequest(string name, ISet<string> listedInConnection, string injectedHeader) =>
        !HopByHop.Contains(name) && !AgentOnly.Contains(name) && !ProxyStatements.Contains(name) && !listedInConnection.Contains(name)
        && !name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase) && !string.Equals(name, injectedHeader, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether a response header comes back to the agent.</summary>
    public static bool ForwardResponse(string name, ISet<string> listedInConnection) =>
        !HopByHop.Contains(name) && !OriginStatements.Contains(name) && !listedInConnection.Contains(name) && !name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// RFC 9110 §7.6.2: for OPTIONS and TRACE, the Max-Forwards the agent sent (null when absent or not those methods); the
    /// proxy forwards one less and never forwards a zero. False when the field is not one value of digits (repeated,
    /// signed, empty), which the proxy can neither check nor update; a value beyond what it counts reads as the most it does.
    /// </summary>
    public static bool TryReadMaxForwards(HttpRequest request, out long? hops)
    {
        hops = null;
        if (!(HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method)) || request.Headers.MaxForwards.Count == 0)
        {
            return true;
        }

        // Max-Forwards = 1*DIGIT, one field line.
        if (request.Headers.MaxForwards is not { Count: 1 } values || values[0] is not { Length: > 0 } value || !value.All(char.IsAsciiDigit))
        {
            return false;
        }

        hops = long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : long.MaxValue;
        return true;
    }

    /// <summary>The proxy's own Via entry (RFC 9110 §7.6.3): the protocol it received, and a pseudonym, never its host.</summary>
    public static string Via(string protocol) => protocol switch
    {
        "HTTP/1.0" => "1.0 mandate",
        "HTTP/2" => "2 mandate",
        "HTTP/3" => "3 mandate",
        _ => "1.1 mandate",
    };

    /// <summary>Header names listed in Connection (RFC 9110 §7.6.1), which are hop-by-hop too.</summary>
    public static HashSet<string> ListedInConnection(IEnumerable<string> connectionValues)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in connectionValues)
        {
            foreach (var name in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                set.Add(name);
            }
        }

        return set;
    }

    public static HashSet<string> ListedInConnection(StringValues connection) => ListedInConnection(connection.Where(v => v is not null).Select(v => v!));
}
