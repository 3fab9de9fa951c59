using Mandate.Core.Spiffe;

namespace Mandate.Core.Storage;

/// <summary>Registration entry changes, committed with the audit records that describe them.</summary>
public sealed partial record StoreBatch
{
    /// <summary>Registration entries to insert (an existing id is an error).</summary>
    public IReadOnlyList<RegistrationEntry> RegistrationEntries { get; init; } = [];

    /// <summary>Ids of registration entries to delete (absent ids are ignored).</summary>
    public IReadOnlyList<string> DeletedRegistrationEntries { get; init; } = [];

    /// <summary>True when the batch changes registration entries.</summary>
    public bool HasRegistrationEntries => RegistrationEntries.Count > 0 || DeletedRegistrationEntries.Count > 0;
}
