using Microsoft.Extensions.Logging;

namespace Mandate.ResourceServer;

/// <summary>Log messages of the handler. Credentials appear only as their jti; descriptions never contain token text.</summary>
internal static partial class MandateTokenLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Refused a Mandate credential: {Error}: {Description}")]
    public static partial void Refused(ILogger logger, string error, string description);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Refused a Mandate credential because the broker could not be used: {Reason}")]
    public static partial void BrokerUnavailable(ILogger logger, string reason);

    [LoggerMessage(EventId = 20, Level = LogLevel.Error, Message = "Refused a Mandate credential because it could not be confirmed at the broker: {Reason}")]
    public static partial void IdentityRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Fetched {Count} broker keys from {JwksUri}")]
    public static partial void KeysFetched(ILogger logger, int count, Uri jwksUri);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Could not refresh the broker's keys; keeping the last good ones: {Reason}")]
    public static partial void KeyRefreshFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Refused a malformed Mandate credential")]
    public static partial void Malformed(ILogger logger);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Accepted Mandate credential {Jti} of agent {Agent} in tenant {Tenant} ({Binding})")]
    public static partial void Accepted(ILogger logger, string jti, string agent, string tenant, string binding);
}
