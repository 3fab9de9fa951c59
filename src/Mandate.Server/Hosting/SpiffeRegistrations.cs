using Mandate.Core.Configuration;
using Mandate.Core.Spiffe;
using Mandate.Server.WorkloadApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mandate.Server.Hosting;

/// <summary>The SPIFFE issuer's services and the workload endpoint's (entries are managed even when the issuer is off).</summary>
internal static class SpiffeRegistrations
{
    public static void Add(MandateBuilder builder, MandateOptions options)
    {
        var services = builder.Services;
        services.TryAddSingleton<RegistrationEntryService>();
        if (!options.Spiffe.Enabled)
        {
            return;
        }

        // The authority itself is opened at start-up and registered with the runtime.
        builder.AddTrustSource<SpiffeTrustSource>();
        services.TryAddSingleton(new UnixProcessAttestor());
        services.TryAddSingleton<WorkloadAttestation>();
        services.AddHostedService<SpiffeMaintenanceService>();
    }
}
