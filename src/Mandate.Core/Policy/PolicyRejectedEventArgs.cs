using Mandate.Policy;

namespace Mandate.Core.Policy;

/// <summary>
/// Raised when a reload found the policy file invalid or unreadable; the old policy stays in force.
/// </summary>
public sealed class PolicyRejectedEventArgs(string currentVersion, PolicyLoadResult result) : EventArgs
{
    /// <summary>The version still in force.</summary>
    public string CurrentVersion { get; } = currentVersion;

    /// <summary>The failed load: its <see cref="PolicyLoadResult.Problems"/> say what to fix.</summary>
    public PolicyLoadResult Result { get; } = result;
}
