using System.Net;
using System.Text.Json;

namespace Mandate.Cli.Tests.Durability;

/// <summary>A real broker whose data directory's file system turns read-only mid-run, as on a disk error.</summary>
public sealed class ReadOnlyDataDirectoryTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [ErroredDiskFact]
    public async Task Invariant2_DataDirectoryTurnsReadOnlyMidRun_FailsClosedWith503AndIssuesOnceRepaired()
    {
        await RunAsync(syncedAfterStart: true);
    }

    // A fresh broker's first start generates the key-encryption key file (keys.kek_file) and commits its signing key,
    // sealed under it, with fsync. An error (or power cut) before the journal's next commit must not keep the sealed key
    // and lose the file: the broker could not start again, or would start under a new key that opens none of them.
    [ErroredDiskFact]
    public async Task Invariant2_DataDirectoryFailsRightAfterTheFirstStart_KeyEncryptionKeyFileSurvives()
    {
        await RunAsync(syncedAfterStart: false);
    }

    private static async Task RunAsync(bool syncedAfterStart)
    {
        using var dir = new TempFolder();
        using var disk = ErroredDisk.Mount(Path.Combine(dir.Path, "data.img"), Path.Combine(dir.Path, "data"));
        var config = DurabilityConfig.Write(dir);
        var client = await ExchangeClient.CreateAsync(config);
        // The development issuers' keys are the test's own set-up, written before the broker starts.
        disk.Sync();
        var received = new HashSet<string>(StringComparer.Ordinal);
        using var http = new HttpClient { Timeout = Bound };
        using (var broker = await BrokerProcess.StartAsync(config, Bound))
        {
            if (syncedAfterStart)
            {
                disk.Sync();
            }

            var first = await client.ExchangeAsync(http, broker.Address, CancellationToken.None);
            Assert.True(first.Status == HttpStatusCode.OK, first.Body);
            received.Add(first.Jti!);

            disk.FailReadOnly();
            // docs/configuration.md "The store under faults": a read-only store → 503 temporarily_unavailable, nothing issued.
            for (var i = 0; i < 5; i++)
            {
                var (status, _, body) = await client.ExchangeAsync(http, broker.Address, CancellationToken.None);
                Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{(int)status}: {body}");
                Assert.Equal("temporarily_unavailable", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
            }

            // The file system stays read-only until it is checked: the operator stops the broker to repair it.
            await broker.KillHardAsync();
        }

        disk.Repair();
        using (var restarted = await BrokerProcess.StartAsync(config, Bound))
        {
            var after = await client.ExchangeAsync(http, restarted.Address, CancellationToken.None);
            Assert.True(after.Status == HttpStatusCode.OK, after.Body);
            received.Add(after.Jti!);
        }

        Assert.Empty(received.Except(await CrashDrill.IssuanceJtisAsync(config)));
        var (exit, output) = await CliRunner.RunAsync("audit", "verify", "-c", config);
        Assert.True(exit == 0, output);
    }
}
