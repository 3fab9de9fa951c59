using Mandate.Core.Protocol;
using Microsoft.Extensions.Logging;

namespace Mandate.Core.Exchange;

/// <summary>
/// Runs a token request through the exchange steps in order until one rejects or completes. Every
/// refusal is logged with the check that refused (identity logs, R6); policy refusals are also audited.
/// </summary>
public sealed partial class TokenExchangeHandler
{
    private readonly IReadOnlyList<IExchangeStep> _steps;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public TokenExchangeHandler(IEnumerable<IExchangeStep> steps, TimeProvider time, ILogger<TokenExchangeHandler> logger)
    {
        _steps = steps.ToList();
        _time = time;
        _logger = logger;
    }

    public async Task<ExchangeContext> HandleAsync(TokenExchangeRequest request, CancellationToken cancellationToken)
    {
        var context = new ExchangeContext(request, _time.GetUtcNow());
        foreach (var step in _steps)
        {
            await step.ExecuteAsync(context, cancellationToken);
            if (context.IsDone)
            {
                if (context.Error is { } error)
                {
                    // Descriptions never contain token text, so they are safe to log; the detail is the library's own reason.
                    LogRefused(_logger, error.Error, step.GetType().Name, context.Actor?.SpiffeId ?? "(unattested)", error.Description, context.RejectionDetail ?? "");
                }

                return context;
            }
        }

        // Default deny holds even if the pipeline is misassembled: reaching the end without a response is a refusal.
        context.Reject(OAuthError.AccessDenied("the request was not completed by any step"));
        return context;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused {Error} at {Step} for {Actor}: {Description} {Detail}")]
    private static partial void LogRefused(ILogger logger, string error, string step, string actor, string description, string detail);
}
