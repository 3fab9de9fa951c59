using Mandate.Core.Cluster;
using Mandate.Core.Storage;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Keys;

/// <summary>
/// The keys of one purpose, as its <see cref="KeyProfile"/> says: created on first use, sealed under the
/// key-encryption key (AES-256-GCM) in the store, replaced when due (the successor published
/// <see cref="KeyProfile.PublishAhead"/> before it signs, <see cref="KeySchedule"/>), and published until nothing they
/// signed can still be valid. Every creation and rotation is one durable batch with its audit record. Kids are RFC 7638
/// JWK thumbprints. <see cref="SigningKeyRing"/> and <c>FederationKeyRing</c> bind it to their purpose; the
/// SPIFFE authority holds one for its CA and one for JWT-SVIDs.
/// </summary>
public partial class KeyRing : IDisposable
{
    private static readonly TimeSpan PublishSlack = TimeSpan.FromMinutes(1);

    /// <summary>Fewest time between two store reads for a kid this node does not know (an unknown kid costs at most this).</summary>
    public static readonly TimeSpan UnknownKidRefreshInterval = TimeSpan.FromSeconds(1);
    private readonly IMandateStore _store;
    private readonly KeyEncryptionKey _kek;
    private readonly string _node;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile KeySet? _current;
    private SigningKey? _retired;
    private readonly IClusterLocks _locks;
    private long _lastUnknownKidRefresh;

    /// <summary>
    /// A ring over <paramref name="store"/>. Every creation and rotation holds the cluster-wide mutex <c>keys:{purpose}</c>
    /// of <paramref name="locks"/> and re-reads the stored keys inside it, so two nodes never rotate the same shared key;
    /// in-process only when null (one node).
    /// </summary>
    public KeyRing(KeyProfile profile, IMandateStore store, KeyEncryptionKey kek, string node, TimeProvider time, IClusterLocks? locks = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.Overlap is null && profile.Certificate is null)
        {
            throw new ArgumentException($"key profile {profile.Purpose} needs an overlap or a certificate to say how long retired keys stay published", nameof(profile));
        }

        Profile = profile;
        _store = store;
        _kek = kek;
        _node = node;
        _time = time;
        _locks = locks ?? new LocalClusterLocks();
    }

    /// <summary>The name of the cluster-wide mutex held while a key of <paramref name="purpose"/> is created or rotated.</summary>
    public static string LockName(string purpose) => "keys:" + purpose;

    public KeyProfile Profile { get; }

    /// <summary>True once keys were loaded (a ring used only on demand, like federation, may never be).</summary>
    public bool IsLoaded => _current is not null;

    /// <summary>The current keys. Throws before <see cref="RefreshAsync"/> or <see cref="GetAsync"/> has run once.</summary>
    public KeySet Current => _current ?? throw new InvalidOperationException($"{Profile.Purpose} keys are not loaded yet");

    /// <summary>The current keys without reading the store, unless none are loaded yet or a key is due to be created, to sign or to retire.</summary>
    public async Task<KeySet> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && _time.GetUtcNow() < current.ActAt)
        {
            return current;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            return _current is { } loaded && _time.GetUtcNow() < loaded.ActAt ? loaded : await LoadAsync(rotateDue: true, cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Loads the keys from the store (other nodes' too), creating this node's key first when it has none or it is due.</summary>
    public Task<KeySet> RefreshAsync(CancellationToken cancellationToken) => LoadLockedAsync(rotateDue: true, cancellationToken);

    /// <summary>
    /// Loads the keys from the store to follow other nodes (their new keys, a shared key another node rotated) without
    /// rotating a due key; creates one only when there is none yet.
    /// </summary>
    public Task<KeySet> ReloadAsync(CancellationToken cancellationToken) => LoadLockedAsync(rotateDue: false, cancellationToken);

    /// <summary>
    /// The public key <paramref name="kid"/> for verifying a token Mandate issued, or null. A kid this node does not
    /// know may be another node's key minutes or seconds old, so the keys are re-read first, at most once per
    /// <see cref="UnknownKidRefreshInterval"/> (a stream of made-up kids costs one read a second, no more).
    /// </summary>
    public async Task<JsonWebKey?> FindPublicKeyAsync(string kid, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(kid))
        {
            return null;
        }

        if (Current.ByKid.TryGetValue(kid, out var known))
        {
            return known;
        }

        var now = _time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastUnknownKidRefresh);
        if (now - last < UnknownKidRefreshInterval.Ticks || Interlocked.CompareExchange(ref _lastUnknownKidRefresh, now, last) != last)
        {
            return null;
        }

        var set = await ReloadAsync(cancellationToken);
        return set.ByKid.GetValueOrDefault(kid);
    }

    private async Task<KeySet> LoadLockedAsync(bool rotateDue, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            return await LoadAsync(rotateDue, cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<KeySet> LoadAsync(bool rotateDue, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var stored = await _store.ListKeysAsync(Profile.Purpose, cancellationToken);
        var schedule = KeySchedule.Of(Profile, _node, stored, now);
        if (schedule.Active is null || (rotateDue && schedule.MustWrite(now)))
        {
            // One writer per purpose across the cluster; what another node did while this one waited is re-read.
            await using (await _locks.AcquireAsync(LockName(Profile.Purpose), cancellationToken))
            {
                stored = await _store.ListKeysAsync(Profile.Purpose, cancellationToken);
                now = _time.GetUtcNow();
                schedule = KeySchedule.Of(Profile, _node, stored, now);
                if (schedule.MustWrite(now))
                {
                    await WriteAsync(schedule, now, cancellationToken);
                    stored = await _store.ListKeysAsync(Profile.Purpose, cancellationToken);
                    schedule = KeySchedule.Of(Profile, _node, stored, now);
                }
            }
        }

        var mine = schedule.Active!;
        var active = _current?.Active;
        if (active is null || active.Kid != mine.Kid)
        {
            // A request may still be signing with the key it read a moment ago; free it one rotation later.
            _retired?.Dispose();
            _retired = active;
            active = Open(mine);
        }

        var published = stored.Where(k => (k.PublishUntil is null || k.PublishUntil > now) && IsAuthentic(k)).ToList();
        // A new KeySet, not 'with': ByKid is computed when a KeySet is constructed.
        var set = new KeySet(active, published.Select(k => new JsonWebKey(k.PublicJwk)).ToList(), ToJwks(published), stored) { ActAt = schedule.ActAt };
        _current = set;
        return set;
    }

    private SigningKey Open(StoredKey key) => key.Algorithm == "RS256"
        ? new SigningKey(key.Kid, _kek.OpenRsa(key), key.CreatedAt)
        : new SigningKey(key.Kid, _kek.OpenEcdsa(key), key.CreatedAt);

    /// <summary>RFC 7517 §5: the published keys as stored (each already a public JWK with kid, use and alg).</summary>
    private static string ToJwks(IReadOnlyList<StoredKey> keys) => "{\"keys\":[" + string.Join(',', keys.Select(k => k.PublicJwk)) + "]}";

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current?.Active.Dispose();
            _retired?.Dispose();
            _lock.Dispose();
        }
    }
}
