using Mandate.Core.Spiffe;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Endpoints;

/// <summary>
/// GET /.well-known/spiffe-bundle: Mandate's trust bundle in the SPIFFE bundle format, for relying parties
/// (SPIFFE federation's https_web profile, proxies, mesh sidecars) to trust its SVIDs.
/// </summary>
public static class SpiffeBundleEndpoint
{
    public const string Path = "/.well-known/spiffe-bundle";

    public static IResult Handle(HttpContext http, SpiffeAuthority authority)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(authority);
        // Short cache: relying parties pick up a renewed CA or JWT key well before the old one leaves the bundle.
        http.Response.Headers.CacheControl = "public, max-age=60";
        return Results.Content(authority.BundleJson, "application/json");
    }
}
