namespace Mandate.ResourceServer;

/// <summary>JSON-RPC error codes in the bodies of refused MCP requests.</summary>
public static class MandateMcpErrorCodes
{
    /// <summary>JSON-RPC 2.0: the body is not well-formed JSON.</summary>
    public const int ParseError = -32700;

    /// <summary>JSON-RPC 2.0: the body is JSON but not one request object (batches included: MCP has none).</summary>
    public const int InvalidRequest = -32600;

    /// <summary>JSON-RPC 2.0: <c>tools/call</c> without a string <c>params.name</c>.</summary>
    public const int InvalidParams = -32602;

    /// <summary>MCP 2026-07-28 <c>HeaderMismatch</c>: <c>Mcp-Method</c> / <c>Mcp-Name</c> disagree with the body (HTTP 400).</summary>
    public const int HeaderMismatch = -32020;

    /// <summary>
    /// Mandate's code for HTTP 403 <c>insufficient_scope</c> on a tool call. Outside the ranges JSON-RPC and MCP
    /// reserve (-32768 to -32000), as MCP requires of implementation-defined codes; the HTTP status and the
    /// <c>WWW-Authenticate</c> challenge carry the standard meaning.
    /// </summary>
    public const int InsufficientScope = -31403;
}
