using Mandate.Core.Credentials;

namespace Mandate.Core.Storage;

/// <summary>Database leases: the per-credential database logins the reaper must drop.</summary>
public partial interface IMandateStore
{
    /// <summary>Leases oldest first; only those not yet dropped when <paramref name="liveOnly"/> is true.</summary>
    Task<IReadOnlyList<DatabaseLease>> ListDatabaseLeasesAsync(bool liveOnly, CancellationToken cancellationToken);
}
