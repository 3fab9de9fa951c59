using Mandate.Core.Spiffe;
using Mandate.Server.WorkloadApi;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.Server.Hosting;

/// <summary>Registers the SPIFFE issuer and the workload endpoint's services (entries are managed even when the issuer is off).</summary>
public static class SpiffeServiceCollectionExtensions
{
    public static IServiceCollection AddMandateSpiffe(this IServiceCollection services, MandateRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        services.AddSingleton<RegistrationEntryService>();
        if (runtime.Spiffe is { } authority)
        {
            services.AddSingleton(authority);
            services.AddSingleton(new UnixProcessAttestor());
            services.AddSingleton<WorkloadAttestation>();
            services.AddHostedService<SpiffeMaintenanceService>();
        }

        return services;
    }
}
