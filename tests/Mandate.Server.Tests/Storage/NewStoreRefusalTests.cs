using Mandate.Core.Configuration;
using Mandate.Server.Hosting;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mandate.Server.Tests.Storage;

/// <summary>
/// Invariant 2 across restarts: a broker whose store was deleted or moved while it was stopped does not
/// start over silently on an empty store (new chain, new keys, revocations gone); only when told to.
/// </summary>
[Trait("Invariant", "2")]
public sealed class NewStoreRefusalTests : BrokerTest
{
    [Fact]
    public async Task Invariant2_StoreMovedAwayWhileStopped_StartRefusedNamingWhatIsThereAndHowToProceed()
    {
        var token = await Broker.IssueAsync();
        var aside = Path.Combine(Broker.Directory, "aside");

        await Broker.RestartAsync(async () =>
        {
            Directory.CreateDirectory(aside);
            foreach (var file in StoreFiles())
            {
                File.Move(file, Path.Combine(aside, Path.GetFileName(file)));
            }

            var error = await Assert.ThrowsAsync<MandateConfigException>(() => OpenRuntimeAsync(initNewStore: false));

            Assert.Contains(Broker.Options.StorePath, error.Message, StringComparison.Ordinal);
            Assert.Contains(Broker.Options.Keys.KekFile!, error.Message, StringComparison.Ordinal);
            Assert.Contains("--init-new-store", error.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(Broker.Options.StorePath));

            foreach (var file in Directory.GetFiles(aside))
            {
                File.Move(file, Path.Combine(Broker.Directory, Path.GetFileName(file)));
            }
        });

        // Put back, the same store serves on: the credential issued before is still known.
        Assert.True(IntrospectionReply.Active(await Broker.IntrospectAsync(token, Broker.Svid(TestBroker.RefundsWorkload))));
    }

    [Fact]
    public async Task InitNewStore_StoreDeletedWhileStopped_StartsOnAnEmptyStoreWhenToldTo()
    {
        await Broker.IssueAsync();

        await Broker.RestartAsync(async () =>
        {
            foreach (var file in StoreFiles())
            {
                File.Delete(file);
            }

            await using var runtime = await OpenRuntimeAsync(initNewStore: true);
            Assert.True(File.Exists(Broker.Options.StorePath));
        });

        await Broker.AssertNothingIssuedAsync();
    }

    private static readonly string[] StoreSuffixes = ["", "-wal", "-shm"];

    private List<string> StoreFiles() => [.. StoreSuffixes.Select(s => Broker.Options.StorePath + s).Where(File.Exists)];

    private Task<MandateRuntime> OpenRuntimeAsync(bool initNewStore) =>
        MandateRuntime.OpenAsync(
            Broker.Options,
            new MandateHostOptions { Time = Broker.Clock, GetEnvironment = _ => null, WatchPolicy = false, InitNewStore = initNewStore },
            NullLoggerFactory.Instance,
            CancellationToken.None);
}
