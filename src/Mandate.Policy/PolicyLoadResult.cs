using System.Diagnostics.CodeAnalysis;

namespace Mandate.Policy;

/// <summary>
/// The outcome of loading a policy: a snapshot when it is valid, otherwise every problem found.
/// Never both: a policy with any problem is not used at all.
/// </summary>
public sealed record PolicyLoadResult
{
    /// <summary>The loaded policy, or null when <see cref="Problems"/> is non-empty.</summary>
    public PolicySnapshot? Snapshot { get; init; }

    /// <summary>Every problem, ordered by position; empty when the policy is valid.</summary>
    public IReadOnlyList<PolicyProblem> Problems { get; init; } = [];

    /// <summary>Content hash of the bytes read, valid or not; null when the file could not be read.</summary>
    public string? Version { get; init; }

    /// <summary>The file read, or null when the policy came from text.</summary>
    public string? SourcePath { get; init; }

    [MemberNotNullWhen(true, nameof(Snapshot))]
    public bool IsValid => Snapshot is not null;
}
