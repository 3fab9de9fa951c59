using System.Text;
using System.Text.Json;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Core.Audit.Streaming;
using Mandate.Server.AuditStream;
using Mandate.Server.Endpoints;
using Mandate.Server.Tests.Cluster;
using Mandate.Server.Tests.Harness;
using Mandate.Server.Tests.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Server.Tests.AuditStream;

/// <summary>Signed checkpoints leave the box on the stream, and with <c>otlp_logs</c> records and checkpoints reach a real OTLP/HTTP receiver.</summary>
[Collection(TelemetryTestsRunAlone.Name)]
public sealed class AuditStreamCheckpointTests
{
    private const string Checkpoints = "audit:\n  checkpoints:\n    file: checkpoints/audit.jsonl\n  stream:\n";

    [Fact]
    public async Task Stream_CheckpointWritten_GoesOnTheStreamAsALineThatVerifiesAgainstTheAuditJwks()
    {
        await using var broker = await BrokerHarness.StartAsync(extraConfiguration: Checkpoints + "    file: siem/audit.jsonl\n");
        var path = Path.Combine(broker.Directory, "siem", "audit.jsonl");
        await broker.IssueAsync();
        using var admin = broker.Admin();

        var written = await admin.WriteAuditCheckpointAsync();

        string? line = null;
        await ClusterHarness.EventuallyAsync(
            () => Task.FromResult((line = StreamedLines.ReadFile(path).FirstOrDefault(l => l.Contains(AuditStreamLine.CheckpointType, StringComparison.Ordinal))) is not null),
            StreamedLines.Timeout,
            "checkpoint streamed");
        var published = new JsonWebKeySet(await broker.Http.GetStringAsync(new Uri(AuditJwksEndpoint.Path, UriKind.Relative)));
        var reading = await AuditCheckpoint.VerifyAsync(line!, published.Keys.ToDictionary(k => k.Kid, k => k), broker.Options.Issuer);
        Assert.Null(reading.Refusal);
        Assert.Equal(written.GetProperty("sequence").GetInt64(), reading.Checkpoint!.Sequence);
        using var json = JsonDocument.Parse(line!);
        Assert.Equal(broker.Options.Node, json.RootElement.GetProperty("node").GetString());
        using var inFile = JsonDocument.Parse(Assert.Single(await File.ReadAllLinesAsync(Path.Combine(broker.Directory, "checkpoints", "audit.jsonl"))));
        Assert.Equal(inFile.RootElement.GetProperty("jws").GetString(), json.RootElement.GetProperty("jws").GetString());
    }

    [Fact]
    public async Task Stream_OtlpLogs_ReceiverGetsEveryRecordAndTheCheckpointButNoBrokerLog()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var broker = await BrokerHarness.StartAsync(
            extraConfiguration: $"telemetry: {{ otlp_endpoint: {receiver.Address} }}\n" + Checkpoints + "    otlp_logs: true\n");
        await broker.IssueAsync();
        using var admin = broker.Admin();
        await admin.WriteAuditCheckpointAsync();
        var records = await broker.ReadAuditAsync();
        var metrics = broker.App.App.Services.GetRequiredService<AuditStreamMetrics>();
        await ClusterHarness.EventuallyAsync(() => Task.FromResult(metrics.DeliveredCount >= records.Count), StreamedLines.Timeout, "records handed to the log exporter");
        var checkpoint = (await File.ReadAllLinesAsync(Path.Combine(broker.Directory, "checkpoints", "audit.jsonl"))).Single();
        var jws = JsonDocument.Parse(checkpoint).RootElement.GetProperty("jws").GetString()!;
        // The checkpoint may be streamed in a later pass than the records: wait for it at the receiver before stopping.
        await ClusterHarness.EventuallyAsync(
            () => Task.FromResult(receiver.Received.Any(e => e.Path == "/v1/logs" && Has(e.Body, jws))), StreamedLines.Timeout, "checkpoint exported as a log record");

        await broker.StopAsync();

        var logs = receiver.Received.Where(e => e.Path == "/v1/logs").Select(e => e.Body).ToList();
        Assert.All(records, r => Assert.Contains(logs, b => Has(b, r.Hash)));
        Assert.Contains(logs, b => Has(b, jws));
        Assert.Contains(logs, b => Has(b, AuditLogExport.Category) && Has(b, "mandate.audit.sequence"));
        Assert.DoesNotContain(logs, b => Has(b, "Audit stream to"));
        Assert.Contains(receiver.Received, e => e.Path == "/v1/metrics" && Has(e.Body, "mandate.audit.stream.delivered"));
    }

    private static bool Has(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
