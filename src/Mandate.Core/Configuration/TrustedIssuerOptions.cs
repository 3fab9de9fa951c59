namespace Mandate.Core.Configuration;

/// <summary>What an issuer's tokens attest: a workload (an agent or tool) or a user.</summary>
public enum IssuerKind
{
    Workload,
    User,

    /// <summary>
    /// A CI or automation issuer (GitHub-Actions-style OIDC) whose workloads may post evidence, any <c>sub</c>, each for
    /// the subjects its <see cref="TrustedIssuerOptions.EvidenceSubjects"/> allow.
    /// </summary>
    Ci,
}

/// <summary>
/// An issuer whose JWTs Mandate accepts. Validation follows RFC 8725: the algorithms, audience and
/// keys come from here, never from the token.
/// </summary>
public sealed record TrustedIssuerOptions
{
    /// <summary>Short name for logs and audit evidence.</summary>
    public required string Name { get; init; }

    public required IssuerKind Kind { get; init; }

    /// <summary>The exact <c>iss</c> value; compared ordinally.</summary>
    public required string Issuer { get; init; }

    /// <summary>JWKS file (public keys). One of <see cref="JwksFile"/> or <see cref="JwksUrl"/>.</summary>
    public string? JwksFile { get; init; }

    public Uri? JwksUrl { get; init; }

    /// <summary>The <c>aud</c> Mandate requires. Default: Mandate's issuer URL.</summary>
    public string? Audience { get; init; }

    /// <summary>Allowed JWS algorithms. Default ES256 only.</summary>
    public IReadOnlyList<string> Algorithms { get; init; } = ["ES256"];

    /// <summary>Accepted JOSE <c>typ</c> values (case-insensitive). Default <c>JWT</c>; an absent <c>typ</c> is accepted only if <see cref="AllowMissingType"/>.</summary>
    public IReadOnlyList<string> Types { get; init; } = ["JWT"];

    public bool AllowMissingType { get; init; } = true;

    /// <summary>Leeway for exp/nbf/iat. Default 30 seconds.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>User issuers: the claim holding the user's tenant. Default <c>tenant</c>.</summary>
    public string TenantClaim { get; init; } = "tenant";

    /// <summary>
    /// User issuers: the tenants this issuer may speak for. Empty (the default) trusts any tenant it
    /// names; set it whenever several identity providers are trusted, so a partner's IdP cannot assert
    /// your tenant.
    /// </summary>
    public IReadOnlyList<string> Tenants { get; init; } = [];

    /// <summary>
    /// Development only: Mandate generates this issuer's key pair in the data folder and writes the JWKS
    /// file, so <c>mandate dev token</c> can sign test tokens. Refused when the environment is <c>prod</c>.
    /// </summary>
    public bool DevSigner { get; init; }

    /// <summary>
    /// How a token's claims become a workload identity (see docs/trust-sources.md). Workload issuers default to
    /// <see cref="IssuerProfile.JwtSvid"/>; user issuers have none; CI issuers may use
    /// <see cref="IssuerProfile.GitHubActions"/> or <see cref="IssuerProfile.Oidc"/> and otherwise name the poster by <c>sub</c>.
    /// </summary>
    public IssuerProfile? Profile { get; init; }

    /// <summary>The trust domain this issuer speaks for. Default (null): Mandate's <c>trust_domain</c>.</summary>
    public string? TrustDomain { get; init; }

    /// <summary>
    /// <see cref="IssuerProfile.GitHubActions"/> and <see cref="IssuerProfile.Oidc"/>: the SPIFFE ID built from
    /// claims, e.g. <c>spiffe://acme.example/ci/github/{repository}</c>; each <c>{claim}</c> is replaced by that claim.
    /// </summary>
    public string? SpiffeIdTemplate { get; init; }

    /// <summary>
    /// Claims a token must carry, each with its allowed values (exact, or a prefix ending in <c>*</c>).
    /// Empty (the default) requires nothing beyond the profile's own checks.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> RequiredClaims { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// <see cref="IssuerKind.Ci"/> issuers (required): the subjects this issuer's tokens may post evidence for, as
    /// <see cref="EvidenceSubjectTemplate"/>s over the token's claims (<c>{repository}@{sha}</c>); <c>["*"]</c> allows any
    /// subject. Empty for other kinds.
    /// </summary>
    public IReadOnlyList<string> EvidenceSubjects { get; init; } = [];

    /// <summary><see cref="IssuerProfile.Kubernetes"/>: namespaces whose service accounts may authenticate. Empty (the default) allows any.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>
    /// <see cref="IssuerProfile.Kubernetes"/>: require the pod-bound claims (<c>kubernetes.io.pod</c>), i.e. a projected
    /// token that dies with its pod rather than a long-lived secret-based token. Default true.
    /// </summary>
    public bool RequirePodBinding { get; init; } = true;

    /// <summary>JWKS URL: how long fetched keys are served before they are fetched again. Default 5 minutes.</summary>
    public TimeSpan JwksRefresh { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>JWKS URL: the least time between two fetches, however many unknown <c>kid</c>s arrive. Default 30 seconds.</summary>
    public TimeSpan JwksMinRefreshInterval { get; init; } = TimeSpan.FromSeconds(30);
}
