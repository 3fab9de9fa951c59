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
    public Task<PolicyState> LoadAsync(string? evidenceSubject, PolicyInput? rateInput, DateTimeOffset now, CancellationToken cancellationToken) =>
        LoadAsync(evidenceSubject, rateInput, [], now, cancellationToken);

    /// <summary>
    /// As above; inside a child run <paramref name="chainRateInputs"/> (the rate input of each agent up the delegation
    /// chain, in its own run) selects the counters those agents' rules read too, in the same store read (invariant 3:
    /// a delegator's rate_limit counts its sub-agents' credentials). Empty for a root run, which reads what it always did.
    /// </summary>
    public async Task<PolicyState> LoadAsync(
        string? evidenceSubject, PolicyInput? rateInput, IReadOnlyList<PolicyInput> chainRateInputs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chainRateInputs);
        var policy = _policy.Current;
        var evidence = NoEvidence;
        if (evidenceSubject is not null)
        {
            var latest = await _store.LatestEvidenceAsync(evidenceSubject, cancellationToken);
            evidence = latest.ToDictionary(e => e.Kind, e => e.Result, StringComparer.Ordinal);
        }

        if (rateInput is null)
        {
            return new PolicyState(policy, evidence, NoCounts);
        }

        var keys = CounterKeys(policy, rateInput, now);
        if (chainRateInputs.Count == 0)
        {
            var counts = keys.Count == 0 ? NoCounts : Counts(keys, await _store.ReadRateCountsAsync(keys.Values, cancellationToken));
            return new PolicyState(policy, evidence, counts);
        }

        var chainKeys = chainRateInputs.Select(i => (Run: i.RunId ?? "", Keys: CounterKeys(policy, i, now))).ToList();
        var wanted = keys.Values.Concat(chainKeys.SelectMany(c => c.Keys.Values)).Distinct(StringComparer.Ordinal).ToList();
        var read = wanted.Count == 0 ? NoCounts : await _store.ReadRateCountsAsync(wanted, cancellationToken);
        return new PolicyState(policy, evidence, Counts(keys, read))
        {
            ChainRateCounts = chainKeys.ToDictionary(c => c.Run, c => (IReadOnlyDictionary<string, long>)Counts(c.Keys, read), StringComparer.Ordinal),
        };
    }

    // The counter key of every rule with a rate limit that may decide for the input's agent, by rule id.
    private static Dictionary<string, string> CounterKeys(PolicySnapshot policy, PolicyInput input, DateTimeOffset now)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        // The policy's (tool, agent) index narrows the rules; only allow rules carry rate limits.
        foreach (var rule in policy.Index.Find(input.Tool, input.Agent).Allows)
        {
            if (rule.RateLimit is { } limit && rule.MatchesAgent(input.Agent))
            {
                keys[rule.Id] = limit.CounterKey(rule.Id, input, now);
            }
        }

        return keys;
    }

    private static Dictionary<string, long> Counts(Dictionary<string, string> keys, IReadOnlyDictionary<string, long> read) =>
        keys.ToDictionary(k => k.Key, k => read.GetValueOrDefault(k.Value), StringComparer.Ordinal);
}
