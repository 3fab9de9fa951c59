namespace Mandate.ResourceServer.Tests.Harness;

/// <summary>The broker configuration and policy these tests run: three tools, a support agent, a research agent, a coding agent.</summary>
internal static class ToolBroker
{
    public const string Issuer = "http://127.0.0.1:8080";
    public const string SupportAgent = "spiffe://acme.example/agents/support";
    public const string ResearchAgent = "spiffe://acme.example/agents/research/market";
    public const string CodingAgent = "spiffe://acme.example/agents/coder";
    public const string RefundExecutor = "spiffe://acme.example/agents/refund-executor";
    public const string StrangerWorkload = "spiffe://acme.example/tools/stranger";

    public const string Configuration = $$"""
        issuer: {{Issuer}}
        trust_domain: acme.example
        environment: dev
        node: node-a
        data_dir: .
        policy: policy.yaml
        admin_socket: admin.sock
        lifetimes: { default: 4m, max: 5m }
        keys: { rotate_every: 10m }
        issuers:
          - { name: workloads, kind: workload, issuer: https://spire.acme.example, jwks_file: workloads.jwks.json, dev_signer: true }
          - { name: acme-idp, kind: user, issuer: https://idp.acme.example, jwks_file: acme-idp.jwks.json, dev_signer: true }
        tools:
          - { name: refunds, resource: https://refunds.acme.example, scopes: [refunds:read, refunds:write], workloads: [spiffe://acme.example/tools/refunds] }
          - { name: crm, resource: https://crm.acme.example, scopes: [crm:read, crm:write], workloads: [spiffe://acme.example/tools/crm] }
          - { name: code, resource: https://code.acme.example, scopes: [code:read, code:write], workloads: [spiffe://acme.example/tools/code] }
        agents:
          - { id: {{SupportAgent}}, tenants: [acme, globex], tools: [refunds, crm], max_delegation_depth: 1 }
          - { id: {{RefundExecutor}}, tenants: [acme, globex], tools: [refunds] }
          - { id: {{ResearchAgent}}, tenants: [acme], tools: [crm] }
          - { id: {{CodingAgent}}, tenants: [acme], tools: [code] }
        """;

    public const string Policy = """
        rules:
          - id: support-refunds-own-tenant
            reason: Support agents refund for the user they serve, in that user's tenant.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [refunds]
            scopes: [refunds:read, refunds:write]
            tenant: same_as_user
          - id: support-reads-crm
            reason: Support agents read the CRM.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [crm]
            scopes: [crm:read]
          - id: executor-refunds
            reason: The refund executor writes refunds a supervisor delegated.
            effect: allow
            agents: ["spiffe://acme.example/agents/refund-executor"]
            tools: [refunds]
            scopes: [refunds:write]
          - id: coder-code
            reason: The coding agent reads code and opens pull requests.
            effect: allow
            agents: ["spiffe://acme.example/agents/coder"]
            tools: [code]
            scopes: [code:read, code:write]
        """;
}
