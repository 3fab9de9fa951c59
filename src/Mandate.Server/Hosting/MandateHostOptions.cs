namespace Mandate.Server.Hosting;

/// <summary>How the broker process is hosted (as opposed to what it does, which is <c>MandateOptions</c>).</summary>
public sealed record MandateHostOptions
{
    /// <summary>The clock. Tests pass a fake one; production uses the system clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Reads environment variables (the key-encryption key). Tests pass their own.</summary>
    public Func<string, string?> GetEnvironment { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Overrides the configured listen URL, e.g. <c>http://127.0.0.1:0</c> in tests.</summary>
    public string? ListenUrl { get; init; }

    /// <summary>Overrides <c>proxy.listen</c>, e.g. <c>http://127.0.0.1:0</c> in tests; enables the egress proxy.</summary>
    public string? ProxyListenUrl { get; init; }

    /// <summary>Serve the admin API on the configured Unix socket. Default true.</summary>
    public bool AdminSocket { get; init; } = true;

    /// <summary>Serve the workload endpoint on <c>spiffe.workload_socket</c> when <c>spiffe.enabled</c>. Default true.</summary>
    public bool WorkloadSocket { get; init; } = true;

    /// <summary>Busy timeout of the SQLite store; how long a write waits for a lock before failing closed. Default 5 s.</summary>
    public TimeSpan StoreBusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Create a new, empty store even though the data directory holds a key-encryption key or WAL of an earlier
    /// one (<c>mandate serve --init-new-store</c>). Default false: start-up refuses, because the store was
    /// most likely deleted or moved by mistake.
    /// </summary>
    public bool InitNewStore { get; init; }

    /// <summary>The size the SQLite WAL is brought back under once checkpoints can run. Default 64 MiB.</summary>
    public long StoreWalSizeLimitBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Watch the policy file and reload on change. Default true.</summary>
    public bool WatchPolicy { get; init; } = true;

    /// <summary>Adds log providers beside the console (tests capture logs to prove no secret reaches them).</summary>
    public Action<Microsoft.Extensions.Logging.ILoggingBuilder>? ConfigureLogging { get; init; }

    /// <summary>Minimum log level for console logs. Default Information.</summary>
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Information;

    /// <summary>
    /// Adds to the OpenTelemetry SDK's setup (exporters, processors); setting it turns telemetry on even without
    /// <c>telemetry.otlp_endpoint</c>. Null (the default): telemetry follows mandate.yaml alone.
    /// </summary>
    public Action<OpenTelemetry.IOpenTelemetryBuilder>? ConfigureTelemetry { get; init; }
}
