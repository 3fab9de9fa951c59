namespace Mandate.Core.Credentials;

/// <summary>
/// Database leases' reads: the per-credential database logins the reaper must drop. A <see cref="DatabaseLease"/>
/// in a committed batch is inserted, or moves the lease with its role forward (to dropped); never back.
/// </summary>
public interface IDatabaseLeaseStore
{
    /// <summary>Leases oldest first; only those not yet dropped when <paramref name="liveOnly"/> is true.</summary>
    Task<IReadOnlyList<DatabaseLease>> ListDatabaseLeasesAsync(bool liveOnly, CancellationToken cancellationToken);
}
