using Mandate.Core.Protocol;

namespace Mandate.Core.Exchange;

/// <summary>Runs a token request through the exchange steps in order until one rejects or completes.</summary>
public sealed class TokenExchangeHandler
{
    private readonly IReadOnlyList<IExchangeStep> _steps;
    private readonly TimeProvider _time;

    public TokenExchangeHandler(IEnumerable<IExchangeStep> steps, TimeProvider time)
    {
        _steps = steps.ToList();
        _time = time;
    }

    public async Task<ExchangeContext> HandleAsync(TokenExchangeRequest request, CancellationToken cancellationToken)
    {
        var context = new ExchangeContext(request, _time.GetUtcNow());
        foreach (var step in _steps)
        {
            await step.ExecuteAsync(context, cancellationToken);
            if (context.IsDone)
            {
                return context;
            }
        }

        // Default deny holds even if the pipeline is misassembled: reaching the end without a response is a refusal.
        context.Reject(OAuthError.AccessDenied("the request was not completed by any step"));
        return context;
    }
}
