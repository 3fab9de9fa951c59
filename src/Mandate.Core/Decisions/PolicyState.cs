using Mandate.Core.Policy;
using Mandate.Policy;

namespace Mandate.Core.Decisions;

/// <summary>
/// What the decision reads, loaded once per request: the ONE policy snapshot the request is decided against
/// (a reload mid-request cannot split it), the latest evidence per kind, and the rate-limit counts per rule.
/// </summary>
public sealed record PolicyState(PolicySnapshot Policy, IReadOnlyDictionary<string, string> Evidence, IReadOnlyDictionary<string, long> RateCounts);
