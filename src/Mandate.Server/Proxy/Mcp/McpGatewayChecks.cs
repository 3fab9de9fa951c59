namespace Mandate.Server.Proxy.Mcp;

/// <summary>
/// Stable ids of the gateway's own refusals (sent as <c>check_id</c> in a problem or in a JSON-RPC error's
/// <c>data</c>). Policy refusals carry the decision's id (<see cref="Core.Mcp.McpCallChecks"/>).
/// </summary>
internal static class McpGatewayChecks
{
    /// <summary>404: a path below the MCP endpoint <c>/{tool}</c>.</summary>
    public const string EndpointUnknown = "mcp.endpoint_unknown";

    /// <summary>405: not POST (GET streams, and DELETE without a session or under 2026-07-28, which has no sessions).</summary>
    public const string MethodNotAllowed = "mcp.method_not_allowed";

    /// <summary>404: an <c>Mcp-Session-Id</c> the caller did not get from the gateway for this server (another caller's, or made up).</summary>
    public const string SessionUnknown = "mcp.session_unknown";

    /// <summary>403: an <c>Origin</c> header that is not the gateway's own (streamable HTTP §Security: DNS rebinding).</summary>
    public const string OriginRefused = "mcp.origin_refused";

    /// <summary>400: the body is not JSON (JSON-RPC -32700).</summary>
    public const string ParseError = "mcp.parse_error";

    /// <summary>400: not one acceptable JSON-RPC message (JSON-RPC -32600), including batches.</summary>
    public const string InvalidRequest = "mcp.invalid_request";

    /// <summary>400: request metadata headers missing, malformed or disagreeing with the body (MCP -32020).</summary>
    public const string HeaderMismatch = "mcp.header_mismatch";

    /// <summary>400: an <c>MCP-Protocol-Version</c> (or body <c>_meta</c> version) the gateway does not support (MCP -32022).</summary>
    public const string UnsupportedProtocolVersion = "mcp.unsupported_protocol_version";

    /// <summary>403: the credential lacks a scope that <c>mcp.tool_scopes</c> names for the called tool.</summary>
    public const string ScopeMissing = "mcp.scope_missing";

    /// <summary>502: the MCP server answered a 3xx; neither it nor its <c>Location</c> is relayed (it would lead past the gateway).</summary>
    public const string UpstreamRedirect = "mcp.upstream_redirect";

    /// <summary>404: no MCP server has protected resource metadata at this path.</summary>
    public const string MetadataUnknown = "mcp.metadata_unknown";
}
