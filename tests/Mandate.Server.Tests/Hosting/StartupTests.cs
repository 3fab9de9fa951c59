using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Policy;
using Mandate.Core.Storage;
using Mandate.Server.Hosting;
using Microsoft.Data.Sqlite;

namespace Mandate.Server.Tests.Hosting;

/// <summary>
/// Start-up in order: policy, store, keys and revocations before anything listens; once bound, the start-up
/// service publishes the sockets, records the policy in force and lets requests in. A failure at any step is
/// the step's own exception (one line at the CLI), and a failed start records nothing. A background service that
/// fails later stops the broker and is named.
/// </summary>
public sealed class StartupTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mandate-startup-" + Guid.NewGuid().ToString("N")[..8]);

    public StartupTests()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "mandate.yaml"), Harness.TestBroker.Configuration);
        File.WriteAllText(Path.Combine(_dir, "policy.yaml"), "rules: []\n");
    }

    private MandateOptions Options => ConfigLoader.LoadFile(Path.Combine(_dir, "mandate.yaml"));

    private static MandateHostOptions Host(TimeSpan? busyTimeout = null) => new()
    {
        ListenUrl = "http://127.0.0.1:0",
        GetEnvironment = _ => null,
        WatchPolicy = false,
        StoreBusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(5),
        LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
    };

    [Fact]
    public async Task StartAsync_Started_AdminSocketPublishedAndPolicyInForceRecordedOnce()
    {
        var options = Options;
        await using var app = await MandateServer.CreateAsync(options, Host());

        await app.StartAsync();

        Assert.True(File.Exists(options.AdminSocket));
        var loaded = await ReadAsync(app.Runtime.Store, AuditKinds.PolicyLoaded);
        Assert.Single(loaded);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        Assert.Equal("ok", await http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
    }

    [Fact]
    public async Task BackgroundServiceFaults_TheBrokerStopsAndNamesTheServiceAndItsFault()
    {
        // The YAML bounds every timer; options built in code are not read from YAML, and a timer of 60 days throws when
        // its service starts. The host's own entry for that is filtered out, so serve reports this fault instead.
        var options = Options with { AuditCheckpoints = new() { File = Path.Combine(_dir, "checkpoints.jsonl"), Interval = TimeSpan.FromDays(60) } };
        await using var app = await MandateServer.CreateAsync(options, Host());

        var e = await Assert.ThrowsAsync<BackgroundServiceFailedException>(async () =>
        {
            // The service runs beside the start: its fault stops the start, or the broker just after it, as serve sees it.
            await app.StartAsync();
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await app.WaitForShutdownAsync(bound.Token);
            app.ThrowIfBackgroundServiceFailed();
        });

        Assert.StartsWith("the broker stopped: AuditCheckpointService failed: ", e.Message, StringComparison.Ordinal);
        Assert.IsType<ArgumentOutOfRangeException>(e.InnerException);
    }

    [Fact]
    public async Task CreateAsync_InvalidPolicy_ThrowsPolicyLoadExceptionBeforeTheStoreIsCreated()
    {
        File.WriteAllText(Path.Combine(_dir, "policy.yaml"), "rules: [ { id: broken, when: \"(\" } ]\n");
        var options = Options;

        await Assert.ThrowsAsync<PolicyLoadException>(() => MandateServer.CreateAsync(options, Host()));

        Assert.False(File.Exists(options.StorePath), "the store was created although start-up had already failed");
        Assert.False(File.Exists(options.AdminSocket));
    }

    [Fact]
    public async Task StartAsync_StoreLockedWhenRecordingTheStart_ThrowsStoreUnavailableItselfAndRecordsNothing()
    {
        var options = Options;
        await using var app = await MandateServer.CreateAsync(options, Host(TimeSpan.FromMilliseconds(200)));
        await using var blocker = new SqliteConnection($"Data Source={options.StorePath};Pooling=False");
        await blocker.OpenAsync();
        await ExecuteAsync(blocker, "BEGIN EXCLUSIVE;");

        // The post-bind step runs inside the host; its failure must surface as itself (not wrapped), so
        // 'mandate serve' keeps printing one line and exiting 2.
        await Assert.ThrowsAsync<StoreUnavailableException>(() => app.StartAsync());

        await ExecuteAsync(blocker, "ROLLBACK;");
        Assert.Empty(await ReadAsync(app.Runtime.Store, AuditKinds.PolicyLoaded));
    }

    private static async Task<List<AuditRecord>> ReadAsync(IMandateStore store, string kind)
    {
        var records = new List<AuditRecord>();
        await foreach (var r in store.ReadAuditAsync(new AuditQuery { Kind = kind, Limit = 100 }, CancellationToken.None))
        {
            records.Add(r);
        }

        return records;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
