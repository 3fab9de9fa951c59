namespace Mandate.Core.Cluster;

/// <summary>What changed in the shared store, as far as a node's in-memory views care.</summary>
public enum ChangeTopic
{
    /// <summary>A revocation was recorded or an agent's kill switch lifted: the revocation list must follow.</summary>
    Revocations,

    /// <summary>A key was created, rotated or retired: the key rings (and so the JWKS) must follow.</summary>
    Keys,
}

/// <summary>
/// Tells a node that the shared store changed, so its in-memory views (the revocation list, the key rings)
/// follow other nodes at once, and says whether the node can vouch that it is current. A single node on an
/// embedded store hears nothing (<see cref="LocalChangeFeed"/>): every change it could miss is its own.
/// PostgreSQL uses LISTEN/NOTIFY with a catch-up read after every (re)connect.
/// </summary>
public interface IChangeFeed
{
    /// <summary>
    /// True while this node has heard every change committed so far: it is listening and has caught up since its
    /// last (re)connect. Views consult it and fail closed (<see cref="Storage.StoreUnavailableException"/>) when false.
    /// </summary>
    bool IsCurrent { get; }

    /// <summary>
    /// Listens until <paramref name="cancellationToken"/> is cancelled. Calls <paramref name="onChange"/> for each
    /// notified topic, and for every topic after each (re)connect before <see cref="IsCurrent"/> turns true (so a
    /// dropped notification is never a missed change). An outage never ends the loop: it marks the feed not
    /// current and reconnects with backoff. A failing <paramref name="onChange"/> also marks it not current until
    /// the next successful catch-up.
    /// </summary>
    Task RunAsync(Func<ChangeTopic, CancellationToken, Task> onChange, CancellationToken cancellationToken);
}
