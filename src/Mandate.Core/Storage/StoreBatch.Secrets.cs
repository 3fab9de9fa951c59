using Mandate.Core.Secrets;

namespace Mandate.Core.Storage;

/// <summary>Vault changes, committed with the audit records that describe them.</summary>
public sealed partial record StoreBatch
{
    /// <summary>Secrets to insert, or to replace by tool name.</summary>
    public IReadOnlyList<StoredSecret> Secrets { get; init; } = [];

    /// <summary>Tool names whose secret is deleted.</summary>
    public IReadOnlyList<string> DeletedSecrets { get; init; } = [];

    /// <summary>True when the batch changes the vault.</summary>
    public bool HasSecrets => Secrets.Count > 0 || DeletedSecrets.Count > 0;
}
