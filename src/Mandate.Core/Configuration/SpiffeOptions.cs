namespace Mandate.Core.Configuration;

/// <summary>
/// Mandate as the SPIFFE issuer of its trust domain (<c>spiffe:</c> in mandate.yaml): a CA for X.509-SVIDs,
/// a key for JWT-SVIDs, the bundle endpoint and the local workload endpoint. Off unless enabled.
/// </summary>
public sealed record SpiffeOptions
{
    /// <summary>Longest X.509-SVID lifetime an entry or caller may ask for.</summary>
    public static readonly TimeSpan MaxX509SvidTtl = TimeSpan.FromHours(24);

    /// <summary>Longest JWT-SVID lifetime an entry may ask for.</summary>
    public static readonly TimeSpan MaxJwtSvidTtl = TimeSpan.FromHours(1);

    /// <summary>Run the CA, the bundle endpoint and the workload endpoint. Default false.</summary>
    public bool Enabled { get; init; }

    /// <summary>Validity of the self-signed CA certificate. Default 365 days.</summary>
    public TimeSpan CaTtl { get; init; } = TimeSpan.FromDays(365);

    /// <summary>Default X.509-SVID lifetime (an entry may shorten or lengthen it up to 24h). Default 1 hour.</summary>
    public TimeSpan X509SvidTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Default JWT-SVID lifetime. Default 5 minutes.</summary>
    public TimeSpan JwtSvidTtl { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Unix socket of the workload endpoint (mode 0666: attestation, not the file mode, decides). Default <c>{data_dir}/workload.sock</c>.</summary>
    public string WorkloadSocket { get; init; } = ".mandate/workload.sock";

    /// <summary>
    /// Unix socket of the SPIFFE Workload API (gRPC, the SPIFFE Workload Endpoint spec), for SPIFFE client libraries;
    /// mode 0666 like <see cref="WorkloadSocket"/>. Default <c>{data_dir}/spiffe.sock</c>.
    /// </summary>
    public string EndpointSocket { get; init; } = ".mandate/spiffe.sock";

    /// <summary>How often relying parties should re-fetch the bundle (<c>spiffe_refresh_hint</c>). Default 5 minutes.</summary>
    public TimeSpan BundleRefreshHint { get; init; } = TimeSpan.FromMinutes(5);
}
