namespace Mandate.Core.Configuration;

/// <summary>How a trusted issuer's token claims are mapped to a workload's SPIFFE ID (issuers[].profile).</summary>
public enum IssuerProfile
{
    /// <summary><c>jwt-svid</c>: <c>sub</c> is the SPIFFE ID, in the issuer's trust domain (SPIRE and other SPIFFE issuers).</summary>
    JwtSvid,

    /// <summary><c>kubernetes</c>: a projected service-account token mapped to <c>spiffe://td/ns/NS/sa/SA</c>.</summary>
    Kubernetes,

    /// <summary><c>github-actions</c>: a GitHub Actions OIDC token mapped through a SPIFFE ID template over its claims.</summary>
    GitHubActions,

    /// <summary><c>oidc</c>: any OIDC token mapped through a SPIFFE ID template over its claims.</summary>
    Oidc,
}
