using System.Security.Cryptography;
using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite;

namespace Mandate.Cli.Tests;

/// <summary>
/// A broker's store as <c>audit archive</c> finds it: decisions appended in rounds, each round followed by a signed
/// checkpoint of the head at a chosen time, written to the configured checkpoint file with a real checkpoint key.
/// </summary>
internal sealed class AuditArchiveFixture : IAsyncDisposable
{
    public static readonly DateTimeOffset January = new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset February = new(2026, 2, 10, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset March = new(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);

    private readonly KeyEncryptionKey _kek = new(RandomNumberGenerator.GetBytes(32));
    private readonly MandateOptions _options = new() { Node = "node-a" };
    private readonly KeyRing _keys;
    private int _users;

    private AuditArchiveFixture(TempFolder dir, string config, IMandateStore store)
    {
        Dir = dir;
        Config = config;
        Store = store;
        Checkpoints = Path.Combine(dir.Path, "checkpoints.jsonl");
        _keys = new KeyRing(KeyProfiles.AuditCheckpoint(_options), store, _kek, _options.Node, TimeProvider.System);
    }

    public TempFolder Dir { get; }
    public string Config { get; }
    public IMandateStore Store { get; }
    public string Checkpoints { get; }
    public string DatabasePath => Path.Combine(Dir.Path, "data", "mandate.db");

    /// <summary>A SQLite store configured with <c>audit.checkpoints.file</c>, with its checkpoint key.</summary>
    public static async Task<AuditArchiveFixture> SqliteAsync(TempFolder dir)
    {
        var config = TestConfig.Write(dir);
        await File.AppendAllTextAsync(config, "\naudit:\n  checkpoints:\n    file: checkpoints.jsonl\n");
        Directory.CreateDirectory(Path.Combine(dir.Path, "data"));
        var store = new SqliteMandateStore(new SqliteStoreOptions { FilePath = Path.Combine(dir.Path, "data", "mandate.db") });
        return await StartAsync(new AuditArchiveFixture(dir, config, store));
    }

    /// <summary>Any store, with <paramref name="config"/> naming it and a checkpoint file in <paramref name="dir"/>.</summary>
    public static Task<AuditArchiveFixture> ForAsync(TempFolder dir, string config, IMandateStore store) =>
        StartAsync(new AuditArchiveFixture(dir, config, store));

    /// <summary>Appends <paramref name="count"/> decisions, then a checkpoint of the head signed at <paramref name="checkpointTime"/>.</summary>
    public async Task<AuditCheckpoint> AppendAsync(int count, DateTimeOffset checkpointTime)
    {
        var events = Enumerable.Range(0, count).Select(_ => new AuditEvent
        {
            Kind = AuditKinds.Decision,
            Time = checkpointTime.AddMinutes(-1),
            Outcome = "allow",
            User = $"user-{++_users}",
            Tenant = "acme",
        });
        await Store.CommitAsync(new StoreBatch(events), CancellationToken.None);
        var head = AuditTail.Genesis;
        await foreach (var record in Store.ReadAuditAsync(new AuditQuery(), CancellationToken.None))
        {
            head = new AuditTail(record.Sequence, record.Hash);
        }

        var checkpoint = AuditCheckpoint.Sign(head, checkpointTime, _options.Node, _options.Issuer, _keys.Current.Active);
        await File.AppendAllTextAsync(Checkpoints, checkpoint.ToJsonLine() + "\n");
        return checkpoint;
    }

    /// <summary>The checkpoint keys as a JWKS file, as saved from the broker.</summary>
    public string WriteJwks() => Dir.Write("checkpoint-keys.jwks.json", _keys.Current.JwksJson);

    public async Task<List<AuditRecord>> RecordsAsync()
    {
        var records = new List<AuditRecord>();
        await foreach (var record in Store.ReadAuditAsync(new AuditQuery(), CancellationToken.None))
        {
            records.Add(record);
        }

        return records;
    }

    public async ValueTask DisposeAsync()
    {
        _keys.Dispose();
        _kek.Dispose();
        await Store.DisposeAsync();
    }

    private static async Task<AuditArchiveFixture> StartAsync(AuditArchiveFixture fixture)
    {
        await fixture.Store.MigrateAsync(CancellationToken.None);
        await fixture._keys.RefreshAsync(CancellationToken.None);
        return fixture;
    }
}
