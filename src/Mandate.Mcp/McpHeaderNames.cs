namespace Mandate.Mcp;

/// <summary>HTTP header names of the Streamable HTTP transport (names compare case-insensitively, values case-sensitively).</summary>
public static class McpHeaderNames
{
    /// <summary>The negotiated protocol version (required on every POST since 2025-06-18).</summary>
    public const string ProtocolVersion = "MCP-Protocol-Version";

    /// <summary>Mirrors the body's <c>method</c> (2026-07-28).</summary>
    public const string Method = "Mcp-Method";

    /// <summary>Mirrors <c>params.name</c> or <c>params.uri</c> (2026-07-28); may use the Base64 sentinel.</summary>
    public const string Name = "Mcp-Name";

    /// <summary>The session of protocol versions 2025-03-26 to 2025-11-25.</summary>
    public const string SessionId = "Mcp-Session-Id";

    /// <summary>The SSE resumption cursor of protocol versions 2025-03-26 to 2025-11-25 (none since 2026-07-28).</summary>
    public const string LastEventId = "Last-Event-ID";
}
