using Mandate.Core.Configuration;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Telemetry;

/// <summary><c>telemetry:</c> in mandate.yaml: off by default, every key read, every mistake reported at its line.</summary>
public sealed class TelemetryConfigTests
{
    private const string File = "/etc/mandate/mandate.yaml";

    /// <summary>The line the appended telemetry section's first key is on.</summary>
    private static readonly int FirstKeyLine = TestBroker.Configuration.Split('\n').Length + 2;

    private static MandateOptions Parse(string telemetry) => ConfigLoader.Parse(TestBroker.Configuration + "\ntelemetry:\n" + telemetry, File);

    [Fact]
    public void Parse_NoTelemetrySection_IsOffWithDocumentedDefaults()
    {
        var telemetry = ConfigLoader.Parse(TestBroker.Configuration, File).Telemetry;

        Assert.False(telemetry.Enabled);
        Assert.Equal(TelemetryProtocol.HttpProtobuf, telemetry.Protocol);
        Assert.Equal(1.0, telemetry.SamplingRatio);
        Assert.Equal("mandate", telemetry.ServiceName);
    }

    [Fact]
    public void Parse_EveryKey_IsRead()
    {
        var telemetry = Parse("  otlp_endpoint: https://otel.acme.example:4317\n  protocol: grpc\n  headers_file: otlp-headers\n  sampling_ratio: 0.25\n  service_name: mandate-eu\n").Telemetry;

        Assert.True(telemetry.Enabled);
        Assert.Equal(new Uri("https://otel.acme.example:4317"), telemetry.OtlpEndpoint);
        Assert.Equal(TelemetryProtocol.Grpc, telemetry.Protocol);
        Assert.Equal("/etc/mandate/otlp-headers", telemetry.Headers?.File);
        Assert.Equal(0.25, telemetry.SamplingRatio);
        Assert.Equal("mandate-eu", telemetry.ServiceName);
    }

    [Theory]
    [InlineData("  otlp_endpoint: ftp://collector\n", "otlp_endpoint", "http:// or https://")]
    [InlineData("  otlp_endpoint: http://user:pw@collector:4318\n", "otlp_endpoint", "without credentials")]
    [InlineData("  otlp_endpoint: http://c:4318\n  protocol: http/json\n", "protocol", "write http/protobuf or grpc")]
    [InlineData("  otlp_endpoint: http://c:4318\n  sampling_ratio: 1.5\n", "sampling_ratio", "from 0 to 1")]
    [InlineData("  otlp_endpoint: http://c:4318\n  sampling_ratio: -0.1\n", "sampling_ratio", "from 0 to 1")]
    [InlineData("  otlp_endpoint: http://c:4318\n  headers: { x-api-key: abc }\n", "headers", "never written inline")]
    [InlineData("  otlp_endpoint: http://c:4318\n  headers_env: K\n  headers_file: f\n", "headers_file", "not both")]
    [InlineData("  headers_env: K\n", "otlp_endpoint", "telemetry is off without an endpoint")]
    [InlineData("  otlp_endpoint: http://c:4318\n  exporter: zipkin\n", "exporter", "")]
    public void Parse_Mistake_IsReportedWithItsLine(string section, string key, string message)
    {
        var error = Assert.Throws<MandateConfigException>(() => Parse(section));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("telemetry." + key, problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
        Assert.InRange(problem.Line, FirstKeyLine - 1, FirstKeyLine + 2);
        Assert.DoesNotContain("abc", problem.ToString(), StringComparison.Ordinal);
    }
}
