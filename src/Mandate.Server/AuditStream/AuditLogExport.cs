using Mandate.Core.Audit;
using Mandate.Core.Audit.Checkpoints;
using Mandate.Core.Configuration;
using Mandate.Server.Hosting;
using Mandate.Server.Telemetry;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;

namespace Mandate.Server.AuditStream;

/// <summary>
/// <c>audit.stream.otlp_logs</c>: each delivered audit record and each signed checkpoint as an OpenTelemetry log record,
/// sent to <c>telemetry.otlp_endpoint</c> by a logger factory of its own, so the broker's other logs do not follow. The
/// body is the stream line; attributes name the chain position and the principal. The SDK exports in batches and drops
/// what its queue cannot hold while the collector is away; the file or socket destination is the one that resumes.
/// </summary>
internal sealed class AuditLogExport : IDisposable
{
    /// <summary>The category of the log records, their instrumentation scope in OTLP.</summary>
    public const string Category = "Mandate.Audit";

    private const string Template = "{OriginalFormat}";
    private readonly ILoggerFactory _factory;
    private readonly ILogger _logger;

    public AuditLogExport(MandateOptions options, MandateHostOptions host)
    {
        var telemetry = options.Telemetry;
        var headers = OtlpHeaders.Read(telemetry, host.GetEnvironment);
        _factory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
        {
            otel.SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(telemetry.ServiceName, serviceInstanceId: options.Node));
            otel.AddOtlpExporter(exporter => TelemetryRegistrations.Configure(exporter, telemetry, headers, "v1/logs"));
        }));
        _logger = _factory.CreateLogger(Category);
    }

    public void Record(AuditRecord record, string line)
    {
        var e = record.TryReadEvent() ?? new AuditEvent { Kind = "", Time = default, Outcome = "", TraceId = null };
        Emit(line, [
            new("mandate.audit.type", Core.Audit.Streaming.AuditStreamLine.RecordType),
            new("mandate.audit.sequence", record.Sequence),
            new("mandate.audit.hash", record.Hash),
            new("mandate.audit.prev_hash", record.PreviousHash),
            new("mandate.audit.kind", e.Kind.Length > 0 ? e.Kind : null),
            new("mandate.audit.outcome", e.Outcome.Length > 0 ? e.Outcome : null),
            new("mandate.agent", e.Agent),
            new("mandate.tenant", e.Tenant),
            new("mandate.user", e.User),
            new("mandate.run", e.Run),
            new("mandate.tool", e.Tool),
            new("mandate.credential.jti", e.Jti),
            new("mandate.audit.node", e.Node),
            new("mandate.audit.trace_id", e.TraceId),
        ]);
    }

    public void Checkpoint(AuditCheckpoint checkpoint, string node, string line) =>
        Emit(line, [
            new("mandate.audit.type", Core.Audit.Streaming.AuditStreamLine.CheckpointType),
            new("mandate.audit.sequence", checkpoint.Sequence),
            new("mandate.audit.hash", checkpoint.Hash),
            new("mandate.audit.node", node),
        ]);

    private void Emit(string line, List<KeyValuePair<string, object?>> attributes)
    {
        attributes.RemoveAll(a => a.Value is null);
        attributes.Add(new(Template, line));
        _logger.Log(LogLevel.Information, default, attributes, null, static (_, _) => Category);
    }

    public void Dispose() => _factory.Dispose();
}
