using Mandate.Core.Policy;
using Mandate.Core.Storage;
using Mandate.Policy;

namespace Mandate.Core.Decisions;

/// <summary>
/// The Load state stage: pins the policy snapshot for the request, and loads what conditions read (the latest
/// evidence for the request's subject) and the counts of the rate limits that may apply, so the decision itself
/// does no I/O. A store outage propagates: nothing is decided on state that could not be read.
/// </summary>
public sealed class LoadStateStage
{
    private static readonly IReadOnlyDictionary<string, string> NoEvidence = new Dictionary<string, string>();
    private static readonly IReadOnlyDictionary<string, long> NoCounts = new Dictionary<string, long>();
    private readonly IMandateStore _store;
    private readonly PolicyProvider _policy;

    public LoadStateStage(IMandateStore store, PolicyProvider policy)
    {
        _store = store;
        _policy = policy;
    }

    /// <summary>
    /// Loads the state; <paramref name="rateInput"/> (the identity part of a tool credential's policy input) selects
    /// the rate-limit counters, null when the request issues no tool credential.
    /// </summary>
    public async Task<PolicyState> LoadAsync(string? evidenceSubject, PolicyInput? rateInput, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var policy = _policy.Current;
        var evidence = NoEvidence;
        if (evidenceSubject is not null)
        {
            var latest = await _store.LatestEvidenceAsync(evidenceSubject, cancellationToken);
            evidence = latest.ToDictionary(e => e.Kind, e => e.Result, StringComparer.Ordinal);
        }

        var counts = NoCounts;
        if (rateInput is not null)
        {
            var keys = new Dictionary<string, string>(StringComparer.Ordinal);
            // The policy's (tool, agent) index narrows the rules; only allow rules carry rate limits.
            foreach (var rule in policy.Index.Find(rateInput.Tool, rateInput.Agent).Allows)
            {
                if (rule.RateLimit is { } limit && rule.MatchesAgent(rateInput.Agent))
                {
                    keys[rule.Id] = limit.CounterKey(rule.Id, rateInput, now);
                }
            }

            if (keys.Count > 0)
            {
                var read = await _store.ReadRateCountsAsync(keys.Values, cancellationToken);
                counts = keys.ToDictionary(k => k.Key, k => read.GetValueOrDefault(k.Value), StringComparer.Ordinal);
            }
        }

        return new PolicyState(policy, evidence, counts);
    }
}
