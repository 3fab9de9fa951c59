using Mandate.Core.Approvals;
using Mandate.Core.Configuration;
using Mandate.Core.Storage;
using Mandate.Core.Telemetry;
using Mandate.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Mandate.Server.Telemetry;

/// <summary>
/// Wires the OpenTelemetry SDK when telemetry is on (<c>telemetry.otlp_endpoint</c>, or a host that adds its own
/// exporters): the Mandate source and meter, ASP.NET Core and HttpClient spans, ASP.NET Core's and Kestrel's meters,
/// parent-based sampling, OTLP export.
/// When off nothing is registered, so no span is ever started.
/// </summary>
internal static class TelemetryRegistrations
{
    public static bool IsOn(MandateOptions options, MandateHostOptions host) => options.Telemetry.Enabled || host.ConfigureTelemetry is not null;

    public static void Add(IServiceCollection services, MandateOptions options, MandateHostOptions host)
    {
        if (!IsOn(options, host))
        {
            return;
        }

        var telemetry = options.Telemetry;
        var headers = telemetry.Enabled ? OtlpHeaders.Read(telemetry, host.GetEnvironment) : null;
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(telemetry.ServiceName, serviceInstanceId: options.Node))
            .WithTracing(tracing =>
            {
                tracing.AddSource(MandateTelemetry.Name)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(telemetry.SamplingRatio)));
                if (telemetry.Enabled)
                {
                    tracing.AddOtlpExporter(o => Configure(o, telemetry, headers, "v1/traces"));
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(MandateTelemetry.Name);
                // The host's own request and connection metrics; http.route is the endpoint's template (never a raw path).
                metrics.AddMeter("Microsoft.AspNetCore.Hosting");
                metrics.AddMeter("Microsoft.AspNetCore.Server.Kestrel");
                if (telemetry.Enabled)
                {
                    metrics.AddOtlpExporter(o => Configure(o, telemetry, headers, "v1/metrics"));
                }
            });
        host.ConfigureTelemetry?.Invoke(builder);
        services.AddSingleton<KeyAndPolicyGauges>();
        services.AddSingleton<TelemetryGauges>();
    }

    /// <summary>The unit of work the stages commit through: the audit writer, describing records on the span while telemetry is on.</summary>
    public static IUnitOfWork Trail(IUnitOfWork writer, MandateOptions options, MandateHostOptions host) =>
        IsOn(options, host) ? new AuditSpanTagging(writer) : writer;

    /// <summary>Approval transitions (decide, consume), whose audit records commit in the store's transaction: described on the span too while telemetry is on.</summary>
    public static IApprovalStore Approvals(IApprovalStore store, MandateOptions options, MandateHostOptions host) =>
        IsOn(options, host) ? new ApprovalSpanTagging(store) : store;

    internal static void Configure(OtlpExporterOptions exporter, TelemetryOptions telemetry, string? headers, string signalPath)
    {
        // Set in code, the http/protobuf endpoint is used as given: the signal's path is added here, as the SDK does for the environment variable.
        exporter.Protocol = telemetry.Protocol == TelemetryProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        exporter.Endpoint = telemetry.Protocol == TelemetryProtocol.Grpc
            ? telemetry.OtlpEndpoint!
            : new Uri(telemetry.OtlpEndpoint!.AbsoluteUri.TrimEnd('/') + "/" + signalPath);
        if (headers is not null)
        {
            exporter.Headers = headers;
        }
    }
}
