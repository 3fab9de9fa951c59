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
        services.TryAddSingleton<SvidIssuer>();
        services.TryAddSingleton<JwtSvidValidator>();
        services.AddGrpc(o =>
        {
            o.Interceptors.Add<WorkloadApi.SpiffeEndpoint.SpiffeEndpointGuard>();
            // gRPC's catch-all route for unknown services would match every two-segment path (a DELETE of
            // /.well-known/spiffe-bundle lost its 405); the endpoint socket answers other paths 404 itself.
            o.IgnoreUnknownServices = true;
        });
        services.AddHostedService<SpiffeMaintenanceService>();
    }
}
