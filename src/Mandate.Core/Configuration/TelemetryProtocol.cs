namespace Mandate.Core.Configuration;

/// <summary>The OTLP transport named by <c>telemetry.protocol</c>.</summary>
public enum TelemetryProtocol
{
    /// <summary><c>http/protobuf</c>: POSTs to <c>/v1/traces</c> and <c>/v1/metrics</c> under the endpoint.</summary>
    HttpProtobuf,

    /// <summary><c>grpc</c>.</summary>
    Grpc,
}
