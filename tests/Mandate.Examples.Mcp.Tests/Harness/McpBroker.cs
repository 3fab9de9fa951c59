namespace Mandate.Examples.Mcp.Tests.Harness;

/// <summary>The broker configuration and policy these tests run: the payments MCP server, another MCP server, two agents.</summary>
internal static class McpBroker
{
    public const string OtherResource = "http://127.0.0.1:9/other-mcp";

    /// <summary>May read orders only.</summary>
    public const string SupportAgent = "spiffe://acme.example/agents/support";

    /// <summary>May read orders and refund.</summary>
    public const string RefundAgent = "spiffe://acme.example/agents/refunder";

    /// <param name="issuer">The broker's own address: clients discover it from the MCP server's metadata and call it.</param>
    /// <param name="resource">The MCP endpoint, registered as the payments-mcp tool.</param>
    public static string Configuration(string issuer, string resource) => $$"""
        issuer: {{issuer}}
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
          - { name: payments-mcp, resource: {{resource}}, scopes: [orders:read, refunds:write] }
          - { name: other-mcp, resource: {{OtherResource}}, scopes: [other:read] }
        agents:
          - { id: {{SupportAgent}}, tenants: [acme], tools: [payments-mcp, other-mcp] }
          - { id: {{RefundAgent}}, tenants: [acme], tools: [payments-mcp] }
        """;

    public const string Policy = """
        rules:
          - id: support-reads-orders
            reason: Support agents look orders up on any payments MCP server.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp]
            scopes: [orders:read]
            tenant: same_as_user
          - id: support-reads-other
            reason: Support agents also read another MCP server.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [other-mcp]
            scopes: [other:read]
          - id: refunder-refunds
            reason: The refund agent reads orders and refunds them for the user it serves.
            effect: allow
            agents: ["spiffe://acme.example/agents/refunder"]
            tools: [payments-mcp]
            scopes: [orders:read, refunds:write]
            tenant: same_as_user
        """;
}
