using Mandate.Core.Audit;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;
using Mandate.SenderConstraint;
using Microsoft.Extensions.Logging;

namespace Mandate.Core.Grants;

/// <summary>
/// Picks the grant handler for a token request ("is this yours?") and logs every refusal with the check that
/// refused (identity logs, R6) at debug level: refusals are what hostile callers cause, so they never flood the log.
/// </summary>
public sealed partial class GrantDispatcher
{
    private readonly IReadOnlyList<IGrantHandler> _handlers;
    private readonly ILogger _logger;
    private readonly AuditWriter? _trail;

    /// <param name="handlers">The grant handlers, asked in order.</param>
    /// <param name="logger">Where refusals are logged.</param>
    /// <param name="trail">The audit writer the grants commit through, told of each exchange in progress so its group commit can wait for it (<see cref="AuditWriter.Expect"/>).</param>
    public GrantDispatcher(IEnumerable<IGrantHandler> handlers, ILogger<GrantDispatcher> logger, AuditWriter? trail = null)
    {
        _handlers = handlers.ToList();
        _logger = logger;
        _trail = trail;
    }

    /// <summary>The handler's answer; unsupported_grant_type when no handler takes the request.</summary>
    public async ValueTask<Result<TokenResponse>> DispatchAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Result<TokenResponse> result;
        using var expected = _trail is null ? default : _trail.Expect();
        try
        {
            result = Pick(request) is { } handler
                ? await handler.HandleAsync(request, cancellationToken)
                : ExchangeParameters.GrantTypeRefusal(request.GrantType);
        }
        catch (StoreUnavailableException e)
        {
            // The host answers 503; the refusal is logged here like every other, the outage itself once by the store's health log.
            LogRefused(_logger, OAuthConstants.Errors.TemporarilyUnavailable, "store.unavailable", "the store is unavailable", e.Message);
            throw;
        }

        if (result.Failed(out var error, out _))
        {
            // Descriptions never contain token text, so they are safe to log; the detail is the library's own reason.
            // Both may quote what the caller sent (a scope list up to the form limit): capped and one line, as the client reads them.
            var description = OAuthErrorText.Sanitize(error.Description);
            var detail = OAuthErrorText.Sanitize(error.Detail);
            LogRefused(_logger, error.Error, error.CheckId ?? "-", description, detail);
        }

        return result;
    }

    private IGrantHandler? Pick(TokenRequest request)
    {
        foreach (var handler in _handlers)
        {
            if (handler.Accepts(request))
            {
                return handler;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused {Error} at {Check}: {Description} {Detail}")]
    private static partial void LogRefused(ILogger logger, string error, string check, string description, string detail);
}
