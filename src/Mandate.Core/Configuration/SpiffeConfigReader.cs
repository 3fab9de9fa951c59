namespace Mandate.Core.Configuration;

/// <summary>Reads <c>spiffe:</c> (Mandate as the SPIFFE issuer of its trust domain) from mandate.yaml.</summary>
internal static class SpiffeConfigReader
{
    /// <summary>Suffix of Mandate's issuer that JWT-SVIDs carry as <c>iss</c>, so they never pass for another issuer's tokens.</summary>
    public const string JwtSvidIssuerSuffix = "/spiffe";

    public static SpiffeOptions Read(YamlMapping root, string baseDir, string dataDir)
    {
        var defaults = new SpiffeOptions();
        return root.Map("spiffe", m =>
        {
            var options = new SpiffeOptions
            {
                Enabled = m.Bool("enabled") ?? defaults.Enabled,
                CaTtl = m.Duration("ca_ttl") ?? defaults.CaTtl,
                X509SvidTtl = m.Duration("x509_svid_ttl") ?? defaults.X509SvidTtl,
                JwtSvidTtl = m.Duration("jwt_svid_ttl") ?? defaults.JwtSvidTtl,
                WorkloadSocket = ConfigLoader.Resolve(baseDir, m.String("workload_socket") ?? Path.Combine(dataDir, "workload.sock")),
                EndpointSocket = ConfigLoader.Resolve(baseDir, m.String("endpoint_socket") ?? Path.Combine(dataDir, "spiffe.sock")),
                BundleRefreshHint = m.Duration("bundle_refresh_hint") ?? defaults.BundleRefreshHint,
            };
            Check(options, m);
            return options;
        });
    }

    /// <summary>The <c>iss</c> of Mandate's JWT-SVIDs: the broker's issuer followed by <c>/spiffe</c>.</summary>
    public static string JwtSvidIssuer(MandateOptions options) => options.Issuer.TrimEnd('/') + JwtSvidIssuerSuffix;

    /// <summary>Checks that need the whole file: no configured issuer may claim the JWT-SVID issuer; the sockets differ.</summary>
    public static void CheckIssuers(MandateOptions options, YamlMapping root)
    {
        if (options.Spiffe.Enabled && string.Equals(options.Spiffe.WorkloadSocket, options.AdminSocket, StringComparison.Ordinal))
        {
            // The workload socket is world-writable; sharing it would hand the admin API to every local process.
            root.Problem("spiffe", "workload_socket must differ from admin_socket");
        }

        if (options.Spiffe.Enabled && (string.Equals(options.Spiffe.EndpointSocket, options.AdminSocket, StringComparison.Ordinal)
            || string.Equals(options.Spiffe.EndpointSocket, options.Spiffe.WorkloadSocket, StringComparison.Ordinal)))
        {
            // One listener per socket: the SPIFFE endpoint speaks gRPC (HTTP/2) only, the others HTTP/1.1.
            root.Problem("spiffe", "endpoint_socket must differ from admin_socket and workload_socket");
        }

        var own = JwtSvidIssuer(options);
        if (options.Spiffe.Enabled && options.Issuers.Any(i => string.Equals(i.Issuer, own, StringComparison.Ordinal)))
        {
            root.Problem("issuers", $"issuer '{own}' is Mandate's own JWT-SVID issuer while spiffe.enabled is true; remove it from issuers");
        }
    }

    private static void Check(SpiffeOptions o, YamlMapping m)
    {
        if (o.X509SvidTtl <= TimeSpan.Zero || o.X509SvidTtl > SpiffeOptions.MaxX509SvidTtl)
        {
            m.Problem("x509_svid_ttl", "must be more than 0 and at most 24h: SVIDs are short-lived by design");
        }

        if (o.JwtSvidTtl <= TimeSpan.Zero || o.JwtSvidTtl > SpiffeOptions.MaxJwtSvidTtl)
        {
            m.Problem("jwt_svid_ttl", "must be more than 0 and at most 1h: JWT-SVIDs are bearer tokens and must die quickly");
        }

        if (o.CaTtl < TimeSpan.FromDays(7) || o.CaTtl > TimeSpan.FromDays(3650))
        {
            m.Problem("ca_ttl", "must be from 7d to 3650d (the CA must outlive every SVID it signs by a wide margin)");
        }

        if (o.BundleRefreshHint < TimeSpan.FromSeconds(10) || o.BundleRefreshHint > TimeSpan.FromDays(1))
        {
            m.Problem("bundle_refresh_hint", "must be from 10s to 1d");
        }
    }
}
