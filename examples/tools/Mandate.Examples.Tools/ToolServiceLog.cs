using Microsoft.Extensions.Logging;

namespace Mandate.Examples.Tools;

/// <summary>What a standalone tool says when it starts.</summary>
internal static partial class ToolServiceLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "The {Tool} tool accepts Mandate credentials for {Resource} issued by {Issuer}, and confirms each at the broker (RFC 7662) as {SpiffeId}, an identity from {Origin} that it renews before it expires")]
    public static partial void Started(ILogger logger, string tool, string resource, string issuer, string spiffeId, string origin);
}
