namespace Mandate.Core.Revocation;

/// <summary>
/// A revocation as it was recorded or last changed (lifted), with the store's change cursor: a number that grows
/// with every such change, so a node reads what it has not yet seen (<see cref="IRevocationStore.ReadRevocationChangesAsync"/>).
/// </summary>
public sealed record RevocationChange(long Cursor, Revocation Revocation)
{
    /// <summary>
    /// When the change was made, by the clock of the node that made it: the lift's time for a lift, else the
    /// revocation's. Stamped as the change was recorded, just before its commit, so it stands in for the commit time.
    /// </summary>
    public DateTimeOffset ChangedAt => Revocation.LiftedAt ?? Revocation.RevokedAt;
}
