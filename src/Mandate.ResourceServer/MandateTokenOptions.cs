using Mandate.SenderConstraint;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Mandate.ResourceServer;

/// <summary>
/// What a tool service accepts: credentials Mandate (<see cref="Issuer"/>) issued for this tool
/// (<see cref="Audience"/>), optionally only for some tenants, optionally confirmed at the broker.
/// </summary>
public sealed class MandateTokenOptions : AuthenticationSchemeOptions
{
    private static readonly HashSet<string> AsymmetricAlgorithms = new(StringComparer.Ordinal)
    {
        "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512",
    };

    /// <summary>The broker's issuer, compared character for character with <c>iss</c> (RFC 8414 §3.3). Required.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>This tool's resource URI as registered at the broker; the credential's <c>aud</c> must equal it. Required.</summary>
    public string Audience { get; set; } = "";

    /// <summary>
    /// Where this service reaches the broker, when that differs from <see cref="Issuer"/> (an internal address,
    /// a test broker on port 0). Metadata is read here and endpoints it names under the issuer are rebased onto
    /// it. Default: the issuer.
    /// </summary>
    public Uri? BrokerAddress { get; set; }

    /// <summary>The broker's JWKS; default the metadata's <c>jwks_uri</c> (RFC 8414 §2).</summary>
    public Uri? JwksUri { get; set; }

    /// <summary>
    /// Also accept Mandate tool credential certificates (tools of kind <c>x509</c>) presented as the TLS client certificate
    /// of a request that sends no <c>Authorization</c> header: chained to the broker's SPIFFE bundle, within validity, for
    /// clientAuth, and stating this service's <see cref="Audience"/> in Mandate's tool credential extension. The host must
    /// ask for client certificates (Kestrel <c>ClientCertificateMode.AllowCertificate</c>) and leave judging them here.
    /// Default false.
    /// </summary>
    public bool AcceptToolCertificates { get; set; }

    /// <summary>The broker's SPIFFE trust bundle, for <see cref="AcceptToolCertificates"/>; default the metadata's <c>spiffe_bundle_endpoint</c>.</summary>
    public Uri? SpiffeBundleUri { get; set; }

    /// <summary>Tenants this service serves; a credential for any other is refused with 403. Default: any tenant.</summary>
    public IReadOnlyList<string>? Tenants { get; set; }

    /// <summary>
    /// The tenant a request addresses (e.g. a route value), or null when it names none. When it returns a value,
    /// the credential's <c>tenant</c> must equal it (403 otherwise). Checked by the Mandate authorization requirements.
    /// </summary>
    public Func<HttpContext, string?>? TenantFromRequest { get; set; }

    /// <summary>
    /// Accepted signature algorithms; asymmetric only. Default ES256 and RS256, the two Mandate signs with (RS256 for tools
    /// configured with <c>signing_alg: RS256</c>; RFC 9068 §2.1). Each verifies only with the broker key whose JWK names it
    /// (RFC 8725 §3.1), whatever else this list holds.
    /// </summary>
    public IList<string> ValidAlgorithms { get; } = ["ES256", "RS256"];

    /// <summary>Tolerance for clock differences on <c>exp</c>/<c>nbf</c>. Default 30 s.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long fetched keys (and the SPIFFE bundle) are used before they are fetched again. Default 10 minutes.</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A token with an unknown <c>kid</c> triggers a JWKS refresh at most this often (a flood of forged kids cannot
    /// turn the service into a load generator against the broker). Default 30 s.
    /// </summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How far a DPoP proof's <c>iat</c> may be from this service's clock, and how long its jti is remembered. Default 60 s.</summary>
    public TimeSpan DpopProofWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Algorithms a DPoP proof may be signed with (asymmetric only). Default ES256, PS256, RS256.</summary>
    public IList<string> DpopAlgorithms { get; } = ["ES256", "PS256", "RS256"];

    /// <summary>
    /// Where DPoP proof ids are remembered. Default (null): in this process, which suffices for one instance; a service
    /// run as several instances behind a load balancer passes one they share, so a proof replayed on another instance is refused.
    /// </summary>
    public IProofReplayGuard? DpopReplayGuard { get; set; }

    /// <summary>
    /// The scheme and host clients use to reach this service (e.g. https://refunds.acme.example behind a proxy), for
    /// the DPoP proof's <c>htu</c> (RFC 9449 §4.3 step 9). Default: the request's own scheme and Host.
    /// </summary>
    public Uri? PublicOrigin { get; set; }

    /// <summary>Optional revocation check at the broker (RFC 7662).</summary>
    public MandateIntrospectionOptions Introspection { get; set; } = new();

    /// <summary>
    /// Publish RFC 9728 protected resource metadata for <see cref="Audience"/> (map it with
    /// <c>MapMandateResourceMetadata()</c>): every challenge then names it in <c>resource_metadata</c>, as MCP
    /// clients require for discovery. Default null: no metadata, challenges as before.
    /// </summary>
    public MandateResourceMetadataOptions? ResourceMetadata { get; set; }

    /// <summary>The HttpClient for metadata, JWKS, SPIFFE bundle and introspection. Default: one owned by the handler's state.</summary>
    public HttpClient? Backchannel { get; set; }

    /// <summary>Throws when a required option is missing or unsafe.</summary>
    public override void Validate()
    {
        base.Validate();
        if (!Uri.TryCreate(Issuer, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException("MandateTokenOptions.Issuer must be the broker's issuer URL (its 'issuer' setting)");
        }

        if (string.IsNullOrWhiteSpace(Audience))
        {
            throw new InvalidOperationException("MandateTokenOptions.Audience must be this tool's resource URI as registered at the broker");
        }

        if (ValidAlgorithms.Count == 0 || ValidAlgorithms.Any(a => !AsymmetricAlgorithms.Contains(a)))
        {
            throw new InvalidOperationException($"MandateTokenOptions.ValidAlgorithms may only list asymmetric JWS algorithms ({string.Join(", ", AsymmetricAlgorithms)})");
        }

        // RFC 9449 §4.3: a proof signed with none or a MAC proves nothing; the DPoP challenge (§7.1) and the metadata
        // (RFC 9728 §3.2: never an empty list) advertise exactly this list, so it may name no other and not be empty.
        if (DpopAlgorithms.Count == 0 || DpopAlgorithms.Any(a => !AsymmetricAlgorithms.Contains(a)))
        {
            throw new InvalidOperationException($"MandateTokenOptions.DpopAlgorithms must list at least one asymmetric JWS algorithm and no other ({string.Join(", ", AsymmetricAlgorithms)})");
        }

        if (ResourceMetadata is not null && ProtectedResourceMetadata.ResourceUri(this) is null)
        {
            throw new InvalidOperationException("MandateTokenOptions.ResourceMetadata needs Audience to be the service's http(s) URL without query or fragment (RFC 9728 section 1.2)");
        }

        if (Introspection.Mode != IntrospectionMode.Never && Introspection.WorkloadToken is null)
        {
            throw new InvalidOperationException("MandateTokenOptions.Introspection.WorkloadToken is required when introspection is on: the broker answers only the tool's own workload");
        }
    }
}
