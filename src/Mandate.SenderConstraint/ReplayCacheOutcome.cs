namespace Mandate.SenderConstraint;

/// <summary>Result of <see cref="IProofReplayGuard.TryAddAsync"/>.</summary>
public enum ReplayCacheOutcome
{
    /// <summary>First use: recorded.</summary>
    Added,

    /// <summary>Seen before within its window: a replay.</summary>
    Replayed,

    /// <summary>The cache holds its capacity of live entries; the proof is refused (fail closed).</summary>
    Full,
}
