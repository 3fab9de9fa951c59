namespace Mandate.Server.Tests.Harness;

/// <summary>
/// The broker every integration test runs: one trust domain, a workload issuer, two user issuers,
/// two tools, two agents and, for runs, the sub-agents they delegate to. Names are constants so a
/// test reads like the scenario it checks.
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

    /// <summary>A root agent whose run trees may be two levels deep (the support agent's only one).</summary>
    public const string OrchestratorAgent = "spiffe://acme.example/agents/orchestrator";

    /// <summary>Sub-agents: the executor writes refunds, the checker only reads them, the intern has no rule.</summary>
    public const string ExecutorAgent = "spiffe://acme.example/agents/refund-executor";
    public const string CheckerAgent = "spiffe://acme.example/agents/refund-checker";
    public const string InternAgent = "spiffe://acme.example/agents/intern";

    public const string Refunds = "https://refunds.acme.example";
    public const string Crm = "https://crm.acme.example";
    public const string RefundsWorkload = "spiffe://acme.example/tools/refunds";
    public const string CrmWorkload = "spiffe://acme.example/tools/crm";

    /// <summary>lifetimes.default, lifetimes.max, the support agent's max_lifetime, keys.rotate_every and the keys.publish_ahead that follows from it.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(4);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan SupportMaxLifetime = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan RotateEvery = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan PublishAhead = TimeSpan.FromMinutes(5);

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
          - { id: {{SupportAgent}}, tenants: [acme, globex], tools: [refunds, crm], max_lifetime: 3m, max_delegation_depth: 1 }
          - { id: {{ResearchAgent}}, tenants: [acme], tools: [crm] }
          - { id: {{OrchestratorAgent}}, tenants: [acme], tools: [refunds, crm], max_delegation_depth: 2 }
          - { id: {{ExecutorAgent}}, tenants: [acme], tools: [refunds] }
          - { id: {{CheckerAgent}}, tenants: [acme], tools: [refunds] }
          - { id: {{InternAgent}}, tenants: [acme], tools: [refunds] }
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

          - id: orchestrator-refunds
            reason: The orchestrator plans refunds for the user it serves and hands them to sub-agents.
            effect: allow
            agents: ["spiffe://acme.example/agents/orchestrator"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]

          - id: executor-refunds-for-supervisor
            reason: The refund executor carries out refunds a supervisor delegated, for the same user and tenant.
            effect: allow
            agents: ["spiffe://acme.example/agents/refund-executor"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]

          - id: checker-reads-refunds
            reason: The refund checker verifies refunds; it never writes.
            effect: allow
            agents: ["spiffe://acme.example/agents/refund-checker"]
            tools: [refunds]
            scopes: [refunds:read]
        """;
}
