namespace Mandate.Core.Revocation;

/// <summary>
/// Brings a node's <see cref="RevocationList"/> up to date with every revocation recorded or lifted through any node:
/// reads the store's revocation changes after the last cursor it applied, a page at a time, and adds each that can
/// still cover a live credential. Start-up loads through it, and the change feed calls it on every notification and
/// after every reconnect, so a dropped notification is never a missed revocation.
/// </summary>
public sealed class RevocationFollower : IDisposable
{
    /// <summary>Changes read per store round trip.</summary>
    public const int PageSize = 1000;

    private readonly IRevocationStore _store;
    private readonly RevocationList _list;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _cursor;
    private bool _loaded;

    public RevocationFollower(IRevocationStore store, RevocationList list, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _list = list;
        _time = time;
    }

    /// <summary>The change cursor of the last revocation change applied (0 before the first).</summary>
    public long Cursor => Interlocked.Read(ref _cursor);

    /// <summary>
    /// Applies every revocation change after <see cref="Cursor"/>; returns how many were read. Catch-ups never
    /// overlap, so the cursor only moves forward over changes that were applied. A store outage propagates
    /// (<see cref="Storage.StoreUnavailableException"/>) with the cursor where the last applied page left it.
    /// </summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // The first catch-up is the start-up load: how old those revocations are is no propagation delay.
            var read = await ReadAllAsync(measure: _loaded, cancellationToken);
            _loaded = true;
            return read;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<int> ReadAllAsync(bool measure, CancellationToken cancellationToken)
    {
        var read = 0;
        while (true)
        {
            var page = await _store.ReadRevocationChangesAsync(Cursor, PageSize, cancellationToken);

            var now = _time.GetUtcNow();
            foreach (var change in page)
            {
                // Expired ones are in the change stream too; they can cover nothing live, so they stay out.
                if (change.Revocation.KeepUntil > now)
                {
                    if (measure && !_list.Holds(change.Revocation))
                    {
                        RecordDelay(change, now);
                    }

                    _list.Add(change.Revocation);
                }

                Interlocked.Exchange(ref _cursor, Math.Max(Cursor, change.Cursor));
            }

            read += page.Count;
            if (page.Count < PageSize)
            {
                return read;
            }
        }
    }

    /// <summary>
    /// Records how long <paramref name="change"/> took to reach this node. Both times are node clocks, so skew between
    /// the nodes adds to it or takes from it; a negative result (this clock behind) counts as zero.
    /// </summary>
    private static void RecordDelay(RevocationChange change, DateTimeOffset now)
    {
        if (Telemetry.MandateTelemetry.RevocationPropagationDelay.Enabled)
        {
            var seconds = Math.Max(0, (now - change.ChangedAt).TotalSeconds);
            Telemetry.MandateTelemetry.RevocationPropagationDelay.Record(
                seconds,
                new KeyValuePair<string, object?>("mandate.revocation.target", change.Revocation.Target.ToString().ToLowerInvariant()),
                new KeyValuePair<string, object?>("mandate.revocation.change", change.Revocation.LiftedAt is null ? "revoked" : "lifted"));
        }
    }

    public void Dispose() => _gate.Dispose();
}
