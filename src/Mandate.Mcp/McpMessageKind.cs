namespace Mandate.Mcp;

/// <summary>The shape of one JSON-RPC message posted to an MCP endpoint.</summary>
public enum McpMessageKind
{
    /// <summary>Has <c>method</c> and <c>id</c>: expects an answer.</summary>
    Request,

    /// <summary>Has <c>method</c>, no <c>id</c>.</summary>
    Notification,

    /// <summary>Has <c>id</c> and <c>result</c> or <c>error</c>: a client answering a server request (revisions before 2026-07-28 only).</summary>
    Response,
}
