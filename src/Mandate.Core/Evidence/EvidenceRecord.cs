using Mandate.Core.Storage;

namespace Mandate.Core.Evidence;

/// <summary>
/// A fact posted by a trusted workload, e.g. CI: evals passed for <c>acme/shop@4f2a…</c>. Policies read the
/// latest result per kind for the subject a token request names.
/// </summary>
public sealed record EvidenceRecord : IStoreChange
{
    public required string Id { get; init; }

    /// <summary>What was checked, e.g. <c>eval</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>What it was checked on: <c>repo@commit</c> or an agent version.</summary>
    public required string Subject { get; init; }

    /// <summary><c>pass</c> or <c>fail</c>.</summary>
    public required string Result { get; init; }

    /// <summary>Free-form details as JSON (bounded), for people reading the audit.</summary>
    public string? Details { get; init; }

    /// <summary>The poster's workload identity (SPIFFE ID or issuer subject).</summary>
    public required string PostedBy { get; init; }

    public required string Issuer { get; init; }
    public required DateTimeOffset PostedAt { get; init; }
}
