using System.Text;
using Mandate.Server.AuditStream;
using Mandate.Server.Tests.AuditStream;
using Mandate.Server.Tests.Cluster;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>Invariant 8 for traces, metrics and audit log records: what the broker exports over OTLP names tokens by id only.</summary>
[Trait("Invariant", "8")]
[Collection(TelemetryTestsRunAlone.Name)]
public sealed class NoSecretInTelemetryTests
{
    [Fact]
    public async Task Invariant8_FullFlow_NoTokenAppearsInAnyExportedSpanOrMetric()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var broker = await BrokerHarness.StartAsync(
            extraConfiguration: $"telemetry: {{ otlp_endpoint: {receiver.Address} }}\naudit:\n  stream:\n    file: siem/audit.jsonl\n    otlp_logs: true\n");
        var actor = broker.Svid(SupportAgent);
        var user = broker.UserToken();
        var tool = broker.Svid(RefundsWorkload);
        var forged = HostileTokens.Create(TokenDefect.ForgedSignature, broker.UserKey, broker.UserClaims(), broker.Now);
        var expired = HostileTokens.Create(TokenDefect.Expired, broker.WorkloadKey, broker.WorkloadClaims(SupportAgent), broker.Now);
        var request = broker.RefundRequest() with { ActorToken = actor, SubjectToken = user };

        var credential = await broker.IssueAsync(request);
        await broker.ExchangeAsync(request with { Tenant = "globex" });
        await broker.ExchangeAsync(request with { SubjectToken = forged });
        await broker.ExchangeAsync(request with { ActorToken = expired });
        await broker.IntrospectAsync(credential, tool);
        await broker.RevokeAsync(credential, actor);
        await broker.IntrospectAsync(credential, tool);
        Assert.True(broker.App.App.Services.GetRequiredService<TracerProvider>().ForceFlush(5000));
        Assert.True(broker.App.App.Services.GetRequiredService<MeterProvider>().ForceFlush(5000));
        var records = await broker.ReadAuditAsync();
        var stream = broker.App.App.Services.GetRequiredService<AuditStreamMetrics>();
        await ClusterHarness.EventuallyAsync(() => Task.FromResult(stream.DeliveredCount >= records.Count), StreamedLines.Timeout, "records handed to the log exporter");
        await broker.StopAsync(); // the audit log exporter sends what it holds as it stops

        var exported = receiver.Received;
        Assert.Contains(exported, e => e.Path == "/v1/traces");
        Assert.Contains(exported, e => e.Path == "/v1/metrics");
        Assert.Contains(exported, e => e.Path == "/v1/logs" && Has(e.Body, IssuedTokens.Read(credential).Id));
        Assert.Contains(exported, e => Has(e.Body, IssuedTokens.Read(credential).Id));
        foreach (var token in new[] { credential, actor, user, tool, forged, expired })
        {
            var parts = token.Split('.');
            Assert.DoesNotContain(exported, e => Has(e.Body, parts[1]) || Has(e.Body, parts[2]));
        }
    }

    // Protobuf carries strings as their UTF-8 bytes.
    private static bool Has(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
