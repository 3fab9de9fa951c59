using System.Security.Cryptography;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Storage.Sqlite;
using Mandate.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mandate.Core.Tests.Keys;

/// <summary>A migrated SQLite store in a temp folder, a manual clock and one key-encryption key, for key ring tests.</summary>
internal sealed class KeyRingEnvironment : IAsyncDisposable
{
    public static readonly TimeSpan RotateEvery = TimeSpan.FromHours(24);
    public static readonly TimeSpan LifetimeMax = TimeSpan.FromMinutes(15);

    /// <summary>keys.publish_ahead's default under a 24h rotate_every.</summary>
    public static readonly TimeSpan PublishAhead = TimeSpan.FromMinutes(10);

    private readonly TempDirectory _dir = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private readonly byte[] _kekBytes = RandomNumberGenerator.GetBytes(32);
    private readonly List<IDisposable> _owned = [];

    private KeyRingEnvironment()
    {
        StorePath = _dir.File("mandate.db");
        // A short busy timeout: tests that lock the database see the store outage in a second, not five.
        Store = new SqliteMandateStore(new SqliteStoreOptions { FilePath = StorePath, BusyTimeout = TimeSpan.FromSeconds(1) });
    }

    public string StorePath { get; }

    public SqliteMandateStore Store { get; }

    public ManualTimeProvider Clock { get; } = new();

    public MandateOptions Options { get; } = new()
    {
        Node = "node-a",
        Lifetimes = new LifetimeOptions { Max = LifetimeMax },
        Keys = new KeyOptions { RotateEvery = RotateEvery },
    };

    public CancellationToken Ct => _timeout.Token;

    public static async Task<KeyRingEnvironment> StartAsync()
    {
        var environment = new KeyRingEnvironment();
        await environment.Store.MigrateAsync(environment.Ct);
        return environment;
    }

    /// <summary>A ring as a (re)started broker node would build it: same store, same key-encryption key, node and clock unless given.</summary>
    public SigningKeyRing NewRing(KeyEncryptionKey? kek = null, string? node = null, TimeProvider? clock = null)
    {
        if (kek is null)
        {
            kek = new KeyEncryptionKey(_kekBytes);
            _owned.Add(kek);
        }

        var ring = new SigningKeyRing(Store, kek, node is null ? Options : Options with { Node = node }, clock ?? Clock);
        _owned.Add(ring);
        return ring;
    }

    /// <summary>The RS256 access-token ring a node would build when a tool asks for RS256: same store, key-encryption key, node and clock.</summary>
    public RsaTokenKeyRing NewRsaRing()
    {
        var kek = new KeyEncryptionKey(_kekBytes);
        _owned.Add(kek);
        var ring = new RsaTokenKeyRing(Store, kek, Options, Clock);
        _owned.Add(ring);
        return ring;
    }

    /// <summary>A ring of <paramref name="profile"/> over this environment's store and key-encryption key, on <paramref name="clock"/>.</summary>
    public KeyRing NewRing(KeyProfile profile, TimeProvider clock, string node = "node-a", Mandate.Core.Cluster.IClusterLocks? locks = null, ILogger? log = null)
    {
        var kek = new KeyEncryptionKey(_kekBytes);
        _owned.Add(kek);
        var ring = new KeyRing(profile, Store, kek, node, clock, locks) { Log = log ?? NullLogger.Instance };
        _owned.Add(ring);
        return ring;
    }

    /// <summary>
    /// One whole rotation of <paramref name="ring"/>'s key from its creation: the clock moves to where the next key is
    /// published, the ring refreshes, the clock moves on until that key signs, the ring refreshes again.
    /// </summary>
    public async Task<KeySet> RotateAsync(KeyRing ring, Action<TimeSpan> advance)
    {
        advance(ring.Profile.RotateEvery);
        await ring.RefreshAsync(Ct);
        advance(ring.Profile.PublishAhead);
        return await ring.RefreshAsync(Ct);
    }

    /// <summary>Opens a stored key's sealed private part with this environment's key-encryption key.</summary>
    public byte[] Unseal(StoredKey key)
    {
        using var kek = new KeyEncryptionKey(_kekBytes);
        return kek.Open(key.SealedPrivateKey, key.Kid);
    }

    public async Task<IReadOnlyList<StoredKey>> StoredKeysAsync() => await Store.ListKeysAsync(SigningKeyRing.Purpose, Ct);

    public async Task<IReadOnlyList<StoredKey>> StoredKeysAsync(string purpose) => await Store.ListKeysAsync(purpose, Ct);

    public async Task<List<AuditEvent>> RotationEventsAsync()
    {
        var events = new List<AuditEvent>();
        await foreach (var record in Store.ReadAuditAsync(new AuditQuery { Kind = AuditKinds.KeyRotation }, Ct))
        {
            events.Add(record.Event);
        }

        return events;
    }

    public async ValueTask DisposeAsync()
    {
        _owned.ForEach(d => d.Dispose());
        await Store.DisposeAsync();
        _timeout.Dispose();
        _dir.Dispose();
    }
}
