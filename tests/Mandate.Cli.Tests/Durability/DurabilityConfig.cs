namespace Mandate.Cli.Tests.Durability;

/// <summary>A broker configuration whose agent may get <c>crm:read</c> for its user's tenant, with development issuers.</summary>
internal static class DurabilityConfig
{
    public const string Agent = "spiffe://acme.example/agents/a";

    /// <summary>The CRM's own workload identity, which may introspect its credentials.</summary>
    public const string Tool = "spiffe://acme.example/tools/crm";

    /// <summary>Writes the configuration; <paramref name="store"/> is an extra top-level <c>store:</c> block, or null for SQLite.</summary>
    public static string Write(TempFolder dir, string? store = null)
    {
        dir.Write("policy.yaml", """
            rules:
              - id: crm-read-own-tenant
                reason: The agent may read the CRM for the user it serves, in that user's tenant.
                effect: allow
                agents: ["spiffe://acme.example/agents/a"]
                tools: [crm]
                scopes: [crm:read]
                tenant: same_as_user
            """);
        return dir.Write("mandate.yaml", $$"""
            trust_domain: acme.example
            data_dir: data
            policy: policy.yaml
            {{store ?? string.Empty}}
            issuers:
              - { name: workloads, kind: workload, issuer: https://spire.acme.example, jwks_file: data/workloads.jwks.json, dev_signer: true }
              - { name: idp, kind: user, issuer: https://idp.acme.example, jwks_file: data/idp.jwks.json, tenant_claim: tenant, dev_signer: true }
            tools:
              - { name: crm, resource: https://crm.acme.example, scopes: [crm:read], workloads: [{{Tool}}] }
            agents:
              - { id: {{Agent}}, tenants: [acme], tools: [crm] }
            """);
    }
}
