namespace Mandate.Core.Revocation;

/// <summary>
/// A revocation as it was recorded or last changed (lifted), with the store's change cursor: a number that grows
/// with every such change, so a node reads what it has not yet seen (<see cref="IRevocationStore.ReadRevocationChangesAsync"/>).
/// </summary>
public sealed record RevocationChange(long Cursor, Revocation Revocation);
