namespace Mandate.Cli.Tests;

/// <summary>A minimal valid broker configuration in a temporary folder, with a development issuer.</summary>
internal static class TestConfig
{
    public static string Write(TempFolder dir)
    {
        dir.Write("policy.yaml", "rules: []\n");
        return dir.Write("mandate.yaml", """
            trust_domain: acme.example
            data_dir: data
            policy: policy.yaml
            issuers:
              - { name: workloads, kind: workload, issuer: https://spire.acme.example, jwks_file: data/workloads.jwks.json, dev_signer: true }
              - { name: idp, kind: user, issuer: https://idp.acme.example, jwks_file: idp.jwks.json }
            tools:
              - { name: crm, resource: https://crm.acme.example, scopes: [crm:read] }
            agents:
              - { id: spiffe://acme.example/agents/a, tenants: [acme], tools: [crm] }
            """);
    }
}
