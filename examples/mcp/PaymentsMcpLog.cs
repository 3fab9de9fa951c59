using Microsoft.Extensions.Logging;

namespace Mandate.Examples.Mcp;

/// <summary>Log messages of the example MCP server.</summary>
internal static partial class PaymentsMcpLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "payments-mcp: MCP endpoint {Resource}, credentials from {Issuer}")]
    public static partial void Started(ILogger logger, string resource, string issuer);
}
