namespace Mandate.Mcp;

/// <summary>
/// JSON-RPC error codes of Mandate's MCP refusals, one set for the gateway and the resource server's tool scope gate.
/// MCP reserves -32020..-32099 for its specification and asks that -32000..-32019 not be used, so Mandate's own
/// codes sit outside -32768..-32000 (JSON-RPC 2.0 §5.1: the rest of the integer space is for the application).
/// </summary>
public static class JsonRpcErrorCodes
{
    /// <summary>JSON-RPC 2.0: the body is not valid JSON.</summary>
    public const int ParseError = -32700;

    /// <summary>JSON-RPC 2.0: valid JSON that is not an acceptable request (including batch arrays).</summary>
    public const int InvalidRequest = -32600;

    /// <summary>JSON-RPC 2.0: a request whose method's parameters are wrong (no string name/uri, non-object arguments).</summary>
    public const int InvalidParams = -32602;

    /// <summary>JSON-RPC 2.0: internal error (an upstream answer the gateway could not read).</summary>
    public const int InternalError = -32603;

    /// <summary>MCP 2026-07-28: headers missing, malformed or disagreeing with the body (HTTP 400).</summary>
    public const int HeaderMismatch = -32020;

    /// <summary>
    /// MCP 2026-07-28: the declared protocol version is not one this server supports (HTTP 400); <c>data</c> carries
    /// <c>supported</c> and <c>requested</c>.
    /// </summary>
    public const int UnsupportedProtocolVersion = -32022;

    /// <summary>
    /// Mandate: the policy refused this call, or the credential lacks a scope the tool needs (HTTP 403). <c>data</c>
    /// says which: the check and the rule at the gateway, <c>insufficient_scope</c> and the scopes at a resource server.
    /// </summary>
    public const int PolicyDenied = -31403;

    /// <summary>Mandate: the call waits for a human approval (HTTP 403). <c>data</c> carries the approval id.</summary>
    public const int ApprovalPending = -31428;
}
