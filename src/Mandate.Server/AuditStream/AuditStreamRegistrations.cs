using Mandate.Core.Configuration;
using Mandate.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mandate.Server.AuditStream;

/// <summary>Wires <c>audit.stream</c> when it is on: the streaming service, its checkpoint queue and metrics, and the OTLP log export.</summary>
internal static class AuditStreamRegistrations
{
    public static void Add(IServiceCollection services, MandateOptions options, MandateHostOptions host)
    {
        if (!options.AuditStream.Enabled)
        {
            return;
        }

        services.TryAddSingleton<AuditStreamMetrics>();
        services.TryAddSingleton<AuditStreamCheckpoints>();
        if (options.AuditStream.OtlpLogs)
        {
            services.TryAddSingleton(_ => new AuditLogExport(options, host));
        }

        services.AddHostedService<AuditStreamService>();
    }
}
