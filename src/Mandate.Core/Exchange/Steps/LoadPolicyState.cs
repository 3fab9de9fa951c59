using Mandate.Core.Policy;
using Mandate.Core.Storage;
using Mandate.Policy;

namespace Mandate.Core.Exchange.Steps;

/// <summary>
/// Loads the state conditions read (latest evidence for the request's subject) and the counts of the rate
/// limits that may apply, so the decision itself does no I/O. Store down = fail closed.
/// </summary>
public sealed class LoadPolicyState : IExchangeStep
{
    private readonly IMandateStore _store;
    private readonly PolicyProvider _policy;

    public LoadPolicyState(IMandateStore store, PolicyProvider policy)
    {
        _store = store;
        _policy = policy;
    }

    public async ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        try
        {
            if (context.EvidenceSubject is { } subject)
            {
                var evidence = await _store.LatestEvidenceAsync(subject, cancellationToken);
                context.Evidence = evidence.ToDictionary(e => e.Kind, e => e.Result, StringComparer.Ordinal);
            }

            if (context.Kind != ExchangeKind.ToolCredential || context.Tool is null)
            {
                return;
            }

            var input = context.RateInput();
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            // The policy's (tool, agent) index narrows the rules; only allow rules carry rate limits.
            foreach (var rule in _policy.Current.Index.Find(input.Tool, input.Agent).Allows)
            {
                if (rule.RateLimit is { } limit && rule.MatchesAgent(input.Agent))
                {
                    keys[rule.Id] = limit.CounterKey(rule.Id, input, context.Now);
                }
            }

            if (keys.Count > 0)
            {
                var counts = await _store.ReadRateCountsAsync(keys.Values, cancellationToken);
                context.RateCounts = keys.ToDictionary(k => k.Key, k => counts.GetValueOrDefault(k.Value), StringComparer.Ordinal);
            }
        }
        catch (StoreUnavailableException)
        {
            context.Reject(Protocol.OAuthError.TemporarilyUnavailable("the store could not load evidence or rate-limit counts, so nothing was decided; retry shortly"));
        }
    }
}
