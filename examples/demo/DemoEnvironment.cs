using Mandate.Core.Configuration;
using Mandate.Core.Development;

namespace Mandate.Examples.Demo;

/// <summary>
/// A throw-away broker setup for the demo: a temporary folder with a configuration, the quickstart's
/// policy, a SQLite store and development issuers for the agents' and users' identities.
/// </summary>
internal sealed class DemoEnvironment : IDisposable
{
    public const string TrustDomain = "acme.example";
    public const string SupportAgent = "spiffe://acme.example/agents/support";
    public const string ResearchAgent = "spiffe://acme.example/agents/research/market";
    public const string RefundsTool = "spiffe://acme.example/tools/refunds";
    public const string RefundExecutor = "spiffe://acme.example/agents/refund-executor";

    private DemoEnvironment(string directory, MandateOptions options, DevIssuer workloads, DevIssuer users)
    {
        Directory = directory;
        Options = options;
        Workloads = workloads;
        Users = users;
    }

    public string Directory { get; }
    public MandateOptions Options { get; }
    public DevIssuer Workloads { get; }
    public DevIssuer Users { get; }

    public static DemoEnvironment Create()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mandate-demo-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(dir);
        using (var policy = typeof(DemoEnvironment).Assembly.GetManifestResourceStream("demo-policy.yaml")!)
        using (var file = File.Create(Path.Combine(dir, "policy.yaml")))
        {
            policy.CopyTo(file);
        }

        File.WriteAllText(Path.Combine(dir, "mandate.yaml"), $$"""
            issuer: http://127.0.0.1:8080
            trust_domain: {{TrustDomain}}
            environment: dev
            data_dir: .
            policy: policy.yaml
            issuers:
              - { name: workloads, kind: workload, issuer: https://spire.acme.example, jwks_file: workloads.jwks.json, dev_signer: true }
              - { name: acme-idp, kind: user, issuer: https://idp.acme.example, jwks_file: idp.jwks.json, dev_signer: true }
            tools:
              - { name: refunds, resource: https://refunds.acme.example, scopes: [refunds:read, refunds:write], workloads: [{{RefundsTool}}] }
              - { name: crm, resource: https://crm.acme.example, scopes: [crm:read, crm:write], workloads: [spiffe://acme.example/tools/crm] }
              - { name: billing, resource: https://billing.acme.example, scopes: [billing:read, billing:write] }
              - { name: code, resource: https://code.acme.example, scopes: [code:read, code:write] }
            agents:
              - { id: {{SupportAgent}}, tenants: [acme, globex], tools: [refunds, crm], max_lifetime: 5m, max_delegation_depth: 1 }
              - { id: {{RefundExecutor}}, tenants: [acme, globex], tools: [refunds] }
              - { id: {{ResearchAgent}}, tenants: [acme], tools: [crm] }
            """);
        var options = ConfigLoader.LoadFile(Path.Combine(dir, "mandate.yaml"));
        return new DemoEnvironment(dir, options,
            DevIssuer.Ensure(options.Issuers[0], options.DataDirectory),
            DevIssuer.Ensure(options.Issuers[1], options.DataDirectory));
    }

    /// <summary>A workload identity source that mints a fresh JWT-SVID on every call, like a SPIRE agent would.</summary>
    public Mandate.Client.IWorkloadIdentitySource Identity(string spiffeId) => Mandate.Client.WorkloadIdentity.From(_ => ValueTask.FromResult(Svid(spiffeId)));

    /// <summary>A JWT-SVID for a workload, addressed to the broker.</summary>
    public string Svid(string spiffeId) => Workloads.CreateToken(spiffeId, Options.Issuer, TimeSpan.FromMinutes(10), null, DateTimeOffset.UtcNow);

    /// <summary>A user's access token from the identity provider, naming their tenant.</summary>
    public string UserToken(string user, string tenant) =>
        Users.CreateToken(user, Options.Issuer, TimeSpan.FromMinutes(10), new Dictionary<string, object> { ["tenant"] = tenant }, DateTimeOffset.UtcNow);

    public void Dispose()
    {
        Workloads.Dispose();
        Users.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; the next demo uses a new one.
        }
    }
}
