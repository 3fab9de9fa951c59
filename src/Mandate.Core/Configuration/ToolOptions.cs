namespace Mandate.Core.Configuration;

/// <summary>A downstream tool: the audience of its credentials and the operations it understands.</summary>
public sealed record ToolOptions
{
    /// <summary>Short name used in policy and audit, e.g. <c>refunds</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Resource URI (RFC 8707); becomes the credential's <c>aud</c>.</summary>
    public required string Resource { get; init; }

    /// <summary>Every operation (scope) the tool defines; requests for others are invalid_scope.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>SPIFFE IDs of the tool's own workloads, allowed to introspect and revoke credentials addressed to it.</summary>
    public IReadOnlyList<string> Workloads { get; init; } = [];

    /// <summary>RFC 9396 authorization_details types the tool accepts; empty means the tool accepts none.</summary>
    public IReadOnlyList<AuthorizationDetailsType> AuthorizationDetailsTypes { get; init; } = [];

    /// <summary>What the tool accepts; decides what an allowed exchange hands out. Default <see cref="CredentialKind.Jwt"/>.</summary>
    public CredentialKind Kind { get; init; } = CredentialKind.Jwt;

    /// <summary>
    /// Kind jwt: the algorithm its access tokens are signed with (<c>signing_alg:</c>), <see cref="TokenSigningAlgorithms.ES256"/>
    /// (default) or <see cref="TokenSigningAlgorithms.RS256"/> for a tool whose verifier accepts only RSA.
    /// </summary>
    public string SigningAlgorithm { get; init; } = TokenSigningAlgorithms.ES256;

    /// <summary>Kind postgres: how roles are created and what they are granted; null for other kinds.</summary>
    public PostgresToolOptions? Postgres { get; init; }

    /// <summary>Kind oidc-federation: the ID token's audience and subject; null for other kinds.</summary>
    public OidcFederationToolOptions? OidcFederation { get; init; }

    /// <summary>The real base URL the egress proxy forwards this tool's calls to; null when the tool is not proxied.</summary>
    public string? Upstream { get; init; }

    /// <summary>Where the proxy injects the vaulted secret (<c>kind: secret</c> only).</summary>
    public SecretInjectionOptions? Secret { get; init; }

    /// <summary>The tool is an MCP server behind the egress proxy's MCP gateway (<c>mcp:</c>); null for a plain proxied or direct tool.</summary>
    public ToolMcpOptions? Mcp { get; init; }
}
