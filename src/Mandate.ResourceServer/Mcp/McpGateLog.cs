using Microsoft.Extensions.Logging;

namespace Mandate.ResourceServer;

/// <summary>Log messages of the MCP tool scope gate: tool names and credential ids, never tokens or arguments.</summary>
internal static partial class McpGateLog
{
    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Refused an MCP request with HTTP {Status}, JSON-RPC {Code}: {Reason}")]
    public static partial void Refused(ILogger logger, int status, int code, string reason);

    [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "Refused MCP tool call {Tool} for credential {Jti}: needs scope {Scope}")]
    public static partial void ScopeRefused(ILogger logger, string tool, string jti, string scope);
}
