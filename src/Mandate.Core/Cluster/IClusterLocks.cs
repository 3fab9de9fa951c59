namespace Mandate.Core.Cluster;

/// <summary>
/// Coordination between nodes sharing one store: leadership for background work that must run on exactly one
/// node at a time, and short cluster-wide mutexes. One node on an embedded store leads everything
/// (<see cref="LocalClusterLocks"/>); PostgreSQL uses advisory locks.
/// </summary>
public interface IClusterLocks
{
    /// <summary>
    /// True while this node is the one that runs <paramref name="role"/> (see <see cref="ClusterRoles"/>). Asks
    /// again on every call: a node whose lock session was lost stops leading at its next call, and another node
    /// takes the role at its next try. False (never a throw) when the store cannot be reached.
    /// </summary>
    Task<bool> IsLeaderAsync(string role, CancellationToken cancellationToken);

    /// <summary>
    /// Waits for and holds the cluster-wide mutex <paramref name="name"/> until the result is disposed (e.g. one
    /// key rotator per purpose). Throws <see cref="Storage.StoreUnavailableException"/> when the store cannot be reached.
    /// </summary>
    Task<IAsyncDisposable> AcquireAsync(string name, CancellationToken cancellationToken);
}

/// <summary>The background work that runs on one node at a time.</summary>
public static class ClusterRoles
{
    /// <summary>Drops expired or revoked per-credential database logins.</summary>
    public const string LeaseReaper = "lease-reaper";

    /// <summary>Expires runs and purges what can no longer cover a live credential.</summary>
    public const string Maintenance = "maintenance";

    /// <summary>Renews the shared keys (SPIFFE CA and JWT-SVID keys).</summary>
    public const string SharedKeyRotation = "shared-key-rotation";
}
