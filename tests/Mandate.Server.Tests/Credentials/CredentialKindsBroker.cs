using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Credentials;

/// <summary>
/// The test broker plus tools of the other kinds: <c>warehouse</c> (postgres, on the test server),
/// <c>warehouse-down</c> (postgres whose admin connection points at a closed port), and three
/// oidc-federation tools, <c>aws</c>, <c>gcp</c> and <c>azure</c> (whose subject names the user), with different audiences.
/// </summary>
internal static class CredentialKindsBroker
{
    public const string Warehouse = "https://warehouse.acme.example";
    public const string WarehouseDown = "https://warehouse-down.acme.example";
    public const string Aws = "https://aws.acme.example";
    public const string Gcp = "https://gcp.acme.example";
    public const string Azure = "https://azure.acme.example";
    public const string AwsAudience = "sts.amazonaws.com";
    public const string GcpAudience = "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/agents/providers/mandate";

    /// <summary>mandate.yaml; <paramref name="adminFile"/> holds the admin connection string, never the YAML.</summary>
    public static string Configuration(string adminFile, string downFile, string prefix, string host, int port, string database, string sales) =>
        TestBroker.Configuration
            .Replace("  - { name: crm,", $$"""
                  - name: warehouse
                    resource: {{Warehouse}}
                    kind: postgres
                    scopes: [warehouse:read, warehouse:write]
                    postgres:
                      admin_connection_file: {{adminFile}}
                      host: {{host}}
                      port: {{port}}
                      database: {{database}}
                      role_prefix: {{prefix}}
                      grants:
                        "warehouse:read": ["GRANT USAGE ON SCHEMA {{sales}} TO {role}", "GRANT SELECT ON ALL TABLES IN SCHEMA {{sales}} TO {role}"]
                        "warehouse:write": ["GRANT USAGE ON SCHEMA {{sales}} TO {role}", "GRANT INSERT, UPDATE ON ALL TABLES IN SCHEMA {{sales}} TO {role}"]
                  - name: warehouse-down
                    resource: {{WarehouseDown}}
                    kind: postgres
                    scopes: [warehouse:read]
                    postgres: { admin_connection_file: {{downFile}}, host: 127.0.0.1, database: nowhere, grants: { "warehouse:read": ["GRANT USAGE ON SCHEMA sales TO {role}"] } }
                  - name: aws
                    resource: {{Aws}}
                    kind: oidc-federation
                    scopes: [aws:assume]
                    oidc_federation: { audience: {{AwsAudience}}, subject: "{tenant}:{agent}", lifetime: 2m }
                  - name: gcp
                    resource: {{Gcp}}
                    kind: oidc-federation
                    scopes: [gcp:impersonate]
                    oidc_federation: { audience: "{{GcpAudience}}" }
                  - name: azure
                    resource: {{Azure}}
                    kind: oidc-federation
                    scopes: [azure:federate]
                    oidc_federation: { audience: "api://AzureADTokenExchange", subject: "{tenant}:{user}" }
                  - { name: crm,
                """, StringComparison.Ordinal)
            .Replace("tools: [refunds, crm], max_lifetime: 3m", "tools: [refunds, crm, warehouse, warehouse-down, aws, gcp, azure], max_lifetime: 3m", StringComparison.Ordinal);

    public const string Policy = TestBroker.Policy + """

          - id: support-reads-warehouse
            reason: Support agents read sales data for the tenant they serve; they never write it.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [warehouse, warehouse-down]
            scopes: [warehouse:read]

          - id: support-federates-to-clouds
            reason: Support agents assume their cloud roles through federation.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [aws, gcp, azure]
            scopes: [aws:assume, gcp:impersonate, azure:federate]
        """;
}
