using Mandate.Core.Protocol;

namespace Mandate.Core.Configuration;

/// <summary>Reads one entry of <c>tools:</c> (the tool registry) from mandate.yaml.</summary>
internal static class ToolConfigReader
{
    public static ToolOptions? Read(YamlMapping m, string baseDir)
    {
        var name = m.String("name", required: true);
        var resource = m.String("resource", required: true);
        var scopes = m.StringList("scopes", required: true);
        var workloads = m.StringList("workloads") ?? [];
        var detailTypes = m.List("authorization_details_types", AuthorizationDetailsConfig.ReadType);
        var kind = ReadKind(m);
        var signingAlgorithm = ReadSigningAlgorithm(m, kind);
        var (postgres, federation) = CredentialKindConfigReader.Read(m, kind, scopes ?? [], baseDir);
        var (upstream, secret) = ToolProxyConfigReader.Read(m, kind);
        var mcp = ToolMcpConfigReader.Read(m, kind, resource ?? "", scopes ?? [], upstream);
        if (resource is not null && !ResourceUri.IsValid(resource))
        {
            m.Problem("resource", "must be an absolute URI without a fragment (it becomes the credential's aud)");
        }

        foreach (var w in workloads.Where(w => !SpiffeId.TryGetWorkloadTrustDomain(w, out _)))
        {
            m.Problem("workloads", SpiffeId.IsValid(w) ? $"'{w}' names the trust domain, not a workload; write {w}/<path>" : $"'{w}' is not a SPIFFE ID");
        }

        return name is null || resource is null || scopes is null
            ? null
            : new ToolOptions { Name = name, Resource = resource, Scopes = scopes, Workloads = workloads, AuthorizationDetailsTypes = detailTypes, Kind = kind, SigningAlgorithm = signingAlgorithm, Postgres = postgres, OidcFederation = federation, Upstream = upstream, Secret = secret, Mcp = mcp };
    }

    private static CredentialKind ReadKind(YamlMapping m)
    {
        var text = m.String("kind");
        CredentialKind? kind = text switch
        {
            null or "jwt" => CredentialKind.Jwt,
            "postgres" => CredentialKind.Postgres,
            "secret" => CredentialKind.Secret,
            "x509" => CredentialKind.X509,
            "oidc-federation" => CredentialKind.OidcFederation,
            _ => null,
        };
        if (kind is null)
        {
            m.Problem("kind", $"'{text}' is not a credential kind; use jwt (default), postgres, secret, x509 or oidc-federation");
        }

        return kind ?? CredentialKind.Jwt;
    }

    private static string ReadSigningAlgorithm(YamlMapping m, CredentialKind kind)
    {
        var text = m.String("signing_alg");
        if (text is null)
        {
            return TokenSigningAlgorithms.ES256;
        }

        if (kind != CredentialKind.Jwt)
        {
            // Only a jwt tool verifies Mandate's access tokens itself; a secret tool's token is verified by Mandate's own
            // egress proxy, and the other kinds hand out no Mandate access token at all.
            m.Problem("signing_alg", $"only applies to tools of kind: jwt (this tool's kind is {m.String("kind")}); remove it");
            return TokenSigningAlgorithms.ES256;
        }

        if (text is TokenSigningAlgorithms.ES256 or TokenSigningAlgorithms.RS256)
        {
            return text;
        }

        m.Problem("signing_alg", $"'{text}' is not an algorithm Mandate signs access tokens with; use ES256 (default) or RS256 (for verifiers that accept only RSA)");
        return TokenSigningAlgorithms.ES256;
    }
}
