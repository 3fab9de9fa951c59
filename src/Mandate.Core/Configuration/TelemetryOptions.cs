namespace Mandate.Core.Configuration;

/// <summary>
/// OpenTelemetry export (<c>telemetry:</c> in mandate.yaml): traces and metrics sent over OTLP. Off unless
/// <see cref="OtlpEndpoint"/> is set; then spans and metrics cost nothing beyond a null check.
/// </summary>
public sealed record TelemetryOptions
{
    /// <summary>The OTLP collector, e.g. <c>http://127.0.0.1:4318</c> (http/protobuf) or <c>http://127.0.0.1:4317</c> (grpc). Null (the default) disables telemetry.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>OTLP transport. Default http/protobuf.</summary>
    public TelemetryProtocol Protocol { get; init; } = TelemetryProtocol.HttpProtobuf;

    /// <summary>The exporter's headers (<c>name=value,name2=value2</c>, e.g. an API key) from <c>headers_env</c> or <c>headers_file</c>; never inline. Read at start-up.</summary>
    public ConfiguredSecret? Headers { get; init; }

    /// <summary>Share of new traces recorded, 0 to 1 (parent-based: an agent's sampled trace is always followed). Default 1.</summary>
    public double SamplingRatio { get; init; } = 1.0;

    /// <summary>The <c>service.name</c> resource attribute. Default <c>mandate</c>.</summary>
    public string ServiceName { get; init; } = "mandate";

    public bool Enabled => OtlpEndpoint is not null;
}
