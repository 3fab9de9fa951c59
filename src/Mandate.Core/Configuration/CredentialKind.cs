namespace Mandate.Core.Configuration;

/// <summary>What a tool accepts, and so what Mandate hands an agent for it (the tool's <c>kind:</c>).</summary>
public enum CredentialKind
{
    /// <summary>An RFC 9068 access token signed by Mandate (the default).</summary>
    Jwt,

    /// <summary>A dynamic PostgreSQL login created per credential and dropped at expiry or revocation.</summary>
    Postgres,

    /// <summary>A vaulted static key the tool requires; never handed out, only injected by the egress proxy.</summary>
    Secret,

    /// <summary>A short-lived client certificate from Mandate's CA, for mTLS tools.</summary>
    X509,

    /// <summary>An OIDC ID token for a cloud's workload identity federation endpoint.</summary>
    OidcFederation,
}
