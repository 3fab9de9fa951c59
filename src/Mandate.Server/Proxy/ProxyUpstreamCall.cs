namespace Mandate.Server.Proxy;

/// <summary>Where a checked call goes and what is injected: the upstream URL, the header and its value, and the body limit.</summary>
internal sealed record ProxyUpstreamCall(Uri Uri, string InjectHeader, string InjectValue, long MaxRequestBody)
{
    /// <summary>When set, sent as the request body instead of the agent's stream (the MCP gateway read it to decide).</summary>
    public byte[]? BufferedBody { get; init; }

    /// <summary>When set, the body's Content-Type toward the upstream, in place of the agent's spelling of it (the MCP gateway checked it is UTF-8 JSON).</summary>
    public string? BufferedContentType { get; init; }

    /// <summary>When set, the upstream response body is relayed through it (the MCP gateway filters <c>tools/list</c>).</summary>
    public ProxyResponseFilter? ResponseFilter { get; init; }

    /// <summary>
    /// When set, each <c>Mcp-Session-Id</c> the upstream answers with reaches the agent as this gives it, or not at all when
    /// it gives null (the MCP gateway binds sessions to their caller, and relays none under a revision without sessions).
    /// </summary>
    public Func<string, string?>? BindSessionId { get; init; }

    /// <summary>
    /// When set, the upstream's challenges concern the injected credential, never the agent's (the MCP gateway): an upstream
    /// 401 is answered 502, and no upstream <c>WWW-Authenticate</c> is relayed on any status, so an MCP client never
    /// follows the MCP server's own <c>resource_metadata</c> or steps up for its scopes (RFC 9728 §5.1, §7.3).
    /// </summary>
    public bool UpstreamChallengesAreOurs { get; init; }

    /// <summary>
    /// When set, an upstream 3xx is answered 502 with this check id and its <c>Location</c> is not relayed (the MCP gateway:
    /// the Location may name the MCP server's internal address, and a client following it would bypass the gateway).
    /// </summary>
    public string? RefuseRedirectsAs { get; init; }

    /// <summary>
    /// When set, the agent's <c>Cookie</c> does not go upstream and the upstream's <c>Set-Cookie</c> does not come back (the
    /// MCP gateway: MCP needs none, and cookies are not kept apart by port, so they would mix with the console's).
    /// </summary>
    public bool DropCookies { get; init; }

    /// <summary>
    /// When set, the upstream's response fields that may name its own address (<c>Location</c>, <c>Content-Location</c>,
    /// <c>Link</c>, <c>Refresh</c>) are not relayed (the MCP gateway: MCP uses none, and following one would bypass the gateway).
    /// </summary>
    public bool DropUpstreamAddresses { get; init; }

    /// <summary>When set, an upstream <c>Location</c> is mapped to the proxy path that reaches it (the plain proxy).</summary>
    public ProxyLocation? Relocation { get; init; }

    /// <summary>
    /// When set, the injected value is the agent's own credential (kind jwt), which the scrubber masks but the agent holds
    /// already: its <c>Range</c> and <c>If-Range</c> go upstream as sent, and a partial answer is relayed. Otherwise, with a
    /// value to scrub, they are dropped, since byte ranges would hand the agent the secret in pieces no answer holds whole.
    /// </summary>
    public bool InjectsAgentCredential { get; init; }

    /// <summary>Never print the injected value.</summary>
    public override string ToString() => $"{Uri.GetLeftPart(UriPartial.Path)} ({InjectHeader}: [redacted])";
}
