namespace Mandate.SenderConstraint;

/// <summary>
/// Remembers proof <c>jti</c> values until their acceptance window closes, so each proof is used
/// once (RFC 9449 §11.1). Thread-safe and bounded: when full of live entries it refuses new
/// ones (fail closed) rather than forgetting a live one, which would re-open replay.
/// </summary>
public sealed class DpopReplayCache : IProofReplayGuard
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, DateTimeOffset ExpiresAt)> _order = new();
    private readonly int _capacity;

    /// <param name="capacity">Most live entries held. Default 100,000 (about 1,600 proofs/s at a 60 s window).</param>
    public DpopReplayCache(int capacity = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>Number of entries currently held (expired ones may linger until the next add).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _expiries.Count;
            }
        }
    }

    /// <summary>
    /// Records <paramref name="key"/> until <paramref name="expiresAt"/>. Returns
    /// <see cref="ReplayCacheOutcome.Added"/>, <see cref="ReplayCacheOutcome.Replayed"/> when the key is
    /// still live, or <see cref="ReplayCacheOutcome.Full"/>.
    /// </summary>
    public ReplayCacheOutcome TryAdd(string key, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            Purge(now);
            if (_expiries.TryGetValue(key, out var existing) && existing > now)
            {
                return ReplayCacheOutcome.Replayed;
            }

            if (_expiries.Count >= _capacity)
            {
                return ReplayCacheOutcome.Full;
            }

            _expiries[key] = expiresAt;
            _order.Enqueue((key, expiresAt));
            return ReplayCacheOutcome.Added;
        }
    }

    /// <inheritdoc />
    public ValueTask<ReplayCacheOutcome> TryAddAsync(string key, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TryAdd(key, expiresAt, now));

    // Entries share one TTL, so insertion order is expiry order; a re-added key leaves a stale
    // queue item that is skipped because the dictionary holds a later expiry for it.
    private void Purge(DateTimeOffset now)
    {
        while (_order.TryPeek(out var head) && head.ExpiresAt <= now)
        {
            _order.Dequeue();
            if (_expiries.TryGetValue(head.Key, out var current) && current <= now)
            {
                _expiries.Remove(head.Key);
            }
        }
    }
}
