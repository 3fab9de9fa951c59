namespace Mandate.Core.Configuration;

/// <summary>What an issuer's tokens attest: a workload (an agent or tool) or a user.</summary>
public enum IssuerKind
{
    Workload,
    User,

    /// <summary>A CI or automation issuer (GitHub-Actions-style OIDC) whose workloads may post evidence; any <c>sub</c>.</summary>
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
}
