using Mandate.Policy;

namespace Mandate.Core.Policy;

/// <summary>
/// Raised after a new policy version replaced the old one; the broker audits it as
/// <c>policy_loaded</c>.
/// </summary>
public sealed class PolicyChangedEventArgs(string oldVersion, PolicySnapshot snapshot) : EventArgs
{
    /// <summary>The version that was in force until now.</summary>
    public string OldVersion { get; } = oldVersion;

    /// <summary>The version now in force.</summary>
    public string NewVersion => Snapshot.Version;

    /// <summary>The policy now in force.</summary>
    public PolicySnapshot Snapshot { get; } = snapshot;
}
