namespace Mandate.Server.Tests.Harness;

/// <summary>
/// The broker every integration test runs: one trust domain, a workload issuer, two user issuers,
/// two tools and two agents. Names are constants so a test reads like the scenario it checks.
/// </summary>
internal static class TestBroker
{
    public const string Issuer = "http://127.0.0.1:8080";
    public const string TrustDomain = "acme.example";

    public const string WorkloadIssuer = "https://spire.acme.example";
    public const string UserIssuer = "https://idp.acme.example";
    public const string PartnerIssuer = "https://idp.partner.example";

    public const string SupportAgent = "spiffe://acme.example/agents/support";
    public const string ResearchAgent = "spiffe://acme.example/agents/research/market";
    public const string UnregisteredAgent = "spiffe://acme.example/agents/unregistered";

    public const string Refunds = "https://refunds.acme.example";
    public const string Crm = "https://crm.acme.example";
    public const string RefundsWorkload = "spiffe://acme.example/tools/refunds";
    public const string CrmWorkload = "spiffe://acme.example/tools/crm";

    /// <summary>lifetimes.default, lifetimes.max, the support agent's max_lifetime and keys.rotate_every.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(4);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan SupportMaxLifetime = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan RotateEvery = TimeSpan.FromMinutes(10);

    public const string Configuration = $$"""
        issuer: {{Issuer}}
        trust_domain: {{TrustDomain}}
        environment: dev
        node: node-a
        data_dir: .
        policy: policy.yaml
        admin_socket: admin.sock
        lifetimes: { default: 4m, max: 5m }
        keys: { rotate_every: 10m }
        issuers:
          - { name: workloads, kind: workload, issuer: {{WorkloadIssuer}}, jwks_file: workloads.jwks.json, dev_signer: true }
          - { name: acme-idp, kind: user, issuer: {{UserIssuer}}, jwks_file: acme-idp.jwks.json, dev_signer: true }
          - { name: partner-idp, kind: user, issuer: {{PartnerIssuer}}, jwks_file: partner-idp.jwks.json, dev_signer: true, tenants: [acme, partner] }
        tools:
          - { name: refunds, resource: {{Refunds}}, scopes: [refunds:read, refunds:write, refunds:admin], workloads: [{{RefundsWorkload}}] }
          - { name: crm, resource: {{Crm}}, scopes: [crm:read, crm:write], workloads: [{{CrmWorkload}}] }
        agents:
          - { id: {{SupportAgent}}, tenants: [acme, globex], tools: [refunds, crm], max_lifetime: 3m }
          - { id: {{ResearchAgent}}, tenants: [acme], tools: [crm] }
        """;

    public const string Policy = """
        rules:
          - id: support-refunds-own-tenant
            reason: Support agents may refund orders for the user they serve, in that user's tenant only.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            tenant: same_as_user
            max_lifetime: 5m

          - id: support-reads-crm
            reason: Support agents read the CRM record of the user they serve.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [crm]
            scopes: [crm:read]
            max_lifetime: 90s

          - id: research-reads-crm
            reason: Research agents read CRM records for the user they serve; they never write.
            effect: allow
            agents: ["spiffe://acme.example/agents/research/*"]
            tools: [crm]
            scopes: [crm:read]
            max_lifetime: 1h
        """;
}
