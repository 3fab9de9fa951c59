using Mandate.Core;
using Mandate.Core.Cluster;
using Mandate.SenderConstraint;

namespace Mandate.Server.Hosting;

/// <summary>
/// The store start-up opens and what follows from the choice of store: how the node hears other nodes' changes, how
/// it coordinates with them, and where DPoP proofs are remembered. One node on SQLite: nothing to hear, it leads
/// everything, proofs in memory. Several nodes on PostgreSQL: all four over one connection pool (in <see cref="Owned"/>).
/// </summary>
public sealed class StoreConnection
{
    public required IMandateStore Store { get; init; }

    public required IChangeFeed ChangeFeed { get; init; }

    public required IClusterLocks Locks { get; init; }

    public required IProofReplayGuard ReplayGuard { get; init; }

    /// <summary>What the runtime closes after the store, in this order (the cluster locks, then the connection pool they share).</summary>
    public IReadOnlyList<IAsyncDisposable> Owned { get; init; } = [];

    /// <summary>Closes the store, then everything in <see cref="Owned"/>.</summary>
    public async ValueTask CloseAsync()
    {
        await Store.DisposeAsync();
        foreach (var owned in Owned)
        {
            await owned.DisposeAsync();
        }
    }

    /// <summary>The parts of one node on an embedded store, its DPoP replay cache holding at most <paramref name="replayCacheEntries"/> proofs.</summary>
    public static StoreConnection Local(IMandateStore store, int replayCacheEntries) => new()
    {
        Store = store,
        ChangeFeed = new LocalChangeFeed(),
        Locks = new LocalClusterLocks(),
        ReplayGuard = new DpopReplayCache(replayCacheEntries),
    };
}
