using Mandate.Core.Policy;
using Mandate.Policy;

namespace Mandate.Core.Decisions;

/// <summary>
/// What the decision reads, loaded once per request: the ONE policy snapshot the request is decided against
/// (a reload mid-request cannot split it), the latest evidence per kind, and the rate-limit counts per rule.
/// </summary>
public sealed record PolicyState(PolicySnapshot Policy, IReadOnlyDictionary<string, string> Evidence, IReadOnlyDictionary<string, long> RateCounts)
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> NoChain = new Dictionary<string, IReadOnlyDictionary<string, long>>();

    /// <summary>
    /// Inside a child run: the rate-limit counts per rule that each agent up the delegation chain reads, keyed by that
    /// agent's own run (each counter keyed as its rule keys a request of that agent in that run); empty for a root run.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> ChainRateCounts { get; init; } = NoChain;
}
