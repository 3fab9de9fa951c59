using System.Text;
using Mandate.Core.Configuration;
using Mandate.Server.Telemetry;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>End to end: mandate.yaml's telemetry: section sends spans and metrics to a real OTLP/HTTP receiver.</summary>
[Collection(TelemetryTestsRunAlone.Name)]
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Export_ConfiguredEndpoint_ReceivesTheExchangeSpanAndMetricsWithTheFileHeaders()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var apiKey = "k" + Guid.NewGuid().ToString("N");
        await using var broker = await BrokerHarness.StartAsync(
            extraConfiguration: $"telemetry: {{ otlp_endpoint: {receiver.Address}, headers_file: otlp-headers, service_name: mandate-test }}",
            prepare: dir => File.WriteAllTextAsync(Path.Combine(dir, "otlp-headers"), $"x-api-key={apiKey}\n"));
        using var agent = new TracedAgent();

        Expect.Issued(await agent.PostFormAsync(broker, "oauth2/token", broker.RefundRequest().ToForm()));
        Assert.True(broker.App.App.Services.GetRequiredService<TracerProvider>().ForceFlush(5000));
        Assert.True(broker.App.App.Services.GetRequiredService<MeterProvider>().ForceFlush(5000));

        var received = receiver.Received;
        Assert.All(received, e => Assert.Equal((apiKey, "application/x-protobuf"), (e.ApiKey, e.ContentType)));
        // Protobuf carries strings as UTF-8 and the trace id as its 16 raw bytes.
        var traces = received.Where(e => e.Path == "/v1/traces").Select(e => e.Body).ToList();
        Assert.Contains(traces, b => Has(b, Encoding.UTF8.GetBytes(MandateSpan.Exchange)) && Has(b, Convert.FromHexString(agent.TraceId.ToHexString())));
        Assert.Contains(traces, b => Has(b, "mandate-test"u8.ToArray()));
        Assert.Contains(received, e => e.Path == "/v1/metrics" && Has(e.Body, "mandate.exchanges"u8.ToArray()));
    }

    [Fact]
    public async Task Start_HeadersVariableUnset_FailsWithOneLineNamingIt()
    {
        var error = await Assert.ThrowsAsync<MandateConfigException>(() => BrokerHarness.StartAsync(
            extraConfiguration: "telemetry: { otlp_endpoint: http://127.0.0.1:4318, headers_env: MANDATE_TEST_OTLP_HEADERS }"));

        Assert.Contains("MANDATE_TEST_OTLP_HEADERS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_HeadersFileMalformed_FailsWithoutEchoingIt()
    {
        var error = await Assert.ThrowsAsync<MandateConfigException>(() => BrokerHarness.StartAsync(
            extraConfiguration: "telemetry: { otlp_endpoint: http://127.0.0.1:4318, headers_file: otlp-headers }",
            prepare: dir => File.WriteAllTextAsync(Path.Combine(dir, "otlp-headers"), "secret-api-key-without-a-name")));

        Assert.Contains("name=value", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-api-key", error.Message, StringComparison.Ordinal);
    }

    private static bool Has(byte[] body, byte[] part) => body.AsSpan().IndexOf(part) >= 0;
}
