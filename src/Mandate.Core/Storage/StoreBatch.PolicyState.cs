using Mandate.Core.Approvals;
using Mandate.Core.Evidence;
using Mandate.Core.RateLimits;

namespace Mandate.Core.Storage;

/// <summary>Policy state written with the audit records of the same request.</summary>
public sealed partial record StoreBatch
{
    /// <summary>Rate-limit counters to add one to (issuance of a rate-limited rule).</summary>
    public IReadOnlyList<RateIncrement> RateIncrements { get; init; } = [];

    /// <summary>New pending approvals to insert.</summary>
    public IReadOnlyList<Approval> Approvals { get; init; } = [];

    /// <summary>Evidence to insert.</summary>
    public IReadOnlyList<EvidenceRecord> Evidence { get; init; } = [];

    /// <summary>True when the batch carries any policy state.</summary>
    public bool HasPolicyState => RateIncrements.Count > 0 || Approvals.Count > 0 || Evidence.Count > 0;
}
