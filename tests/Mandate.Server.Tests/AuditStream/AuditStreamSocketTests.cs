using Mandate.Server.AuditStream;
using Mandate.Server.Tests.Cluster;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Tests.AuditStream;

/// <summary><c>audit.stream.socket</c>: real TCP and Unix listeners; a listener that is down never slows an exchange.</summary>
public sealed class AuditStreamSocketTests
{
    [Fact]
    public async Task Stream_Tcp_EveryCommittedRecordArrivesAsALineThatReHashesToTheChain()
    {
        await using var siem = LineListener.Tcp();
        await using var broker = await StartAsync(siem);

        await broker.IssueAsync();
        var streamed = await StreamedLines.AwaitAllAsync(broker, () => siem.Lines);

        Assert.Equal(1, streamed[0].Sequence);
        await StreamedLines.AssertAreTheChainAsync(broker, streamed);
        Assert.Equal(1, siem.Connections);
    }

    [Fact]
    public async Task Stream_UnixSocket_EveryCommittedRecordArrives()
    {
        var path = Path.Combine(Path.GetTempPath(), "mds-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        try
        {
            await using var siem = LineListener.Unix(path);
            await using var broker = await StartAsync(siem);

            await broker.IssueAsync();
            var streamed = await StreamedLines.AwaitAllAsync(broker, () => siem.Lines);

            Assert.Equal(1, streamed[0].Sequence);
            await StreamedLines.AssertAreTheChainAsync(broker, streamed);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Stream_ListenerGoesDown_ExchangesSucceedAndDeliveryResumesWithoutGapsOrRepeats()
    {
        await using var siem = LineListener.Tcp();
        await using var broker = await StartAsync(siem);
        await broker.IssueAsync();
        await StreamedLines.AwaitAllAsync(broker, () => siem.Lines);
        var metrics = broker.App.App.Services.GetRequiredService<AuditStreamMetrics>();

        await siem.StopAsync();
        for (var i = 0; i < 5; i++)
        {
            await broker.IssueAsync();
        }

        await ClusterHarness.EventuallyAsync(() => Task.FromResult(metrics.FailureCount > 0), StreamedLines.Timeout, "a refused delivery counted");
        siem.Start();
        var streamed = await StreamedLines.AwaitAllAsync(broker, () => siem.Lines, advanceClock: true);

        Assert.Equal(1, streamed[0].Sequence);
        await StreamedLines.AssertAreTheChainAsync(broker, streamed);
        Assert.Equal(0, metrics.DroppedCount);
    }

    [Fact]
    public async Task Stream_ListenerDownAcrossABrokerRestart_EverythingArrivesOnceWhenItListens()
    {
        await using var siem = LineListener.Tcp(listen: false);
        await using var broker = await StartAsync(siem);
        await broker.IssueAsync();

        await broker.RestartAsync();
        await broker.IssueAsync();
        siem.Start();
        var streamed = await StreamedLines.AwaitAllAsync(broker, () => siem.Lines, advanceClock: true);

        Assert.Equal(1, streamed[0].Sequence);
        await StreamedLines.AssertAreTheChainAsync(broker, streamed);
    }

    private static Task<BrokerHarness> StartAsync(LineListener siem) =>
        BrokerHarness.StartAsync(extraConfiguration: $"audit:\n  stream:\n    socket: '{siem.Address}'\n");
}
