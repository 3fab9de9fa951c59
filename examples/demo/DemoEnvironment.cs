using Mandate.Core.Configuration;
using Mandate.Core.Development;

namespace Mandate.Examples.Demo;

/// <summary>
/// A throw-away broker setup for the demo: a temporary folder with a configuration, the quickstart's
/// policy (with the demo's MCP rules), a SQLite store and development issuers for the agents' and users' identities.
/// </summary>
internal sealed class DemoEnvironment : IDisposable
{
    public const string TrustDomain = "acme.example";
    public const string SupportAgent = "spiffe://acme.example/agents/support";
    public const string ResearchAgent = "spiffe://acme.example/agents/research/market";
    public const string RefundsTool = "spiffe://acme.example/tools/refunds";
    public const string RefundExecutor = "spiffe://acme.example/agents/refund-executor";

    /// <summary>
    /// The support agent that works over MCP. Its own identity because a run maps each scope to one tool the agent
    /// declared, and the payments MCP server's refunds:write is also the refunds API's.
    /// </summary>
    public const string PaymentsSupportAgent = "spiffe://acme.example/agents/payments-support";

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

    /// <summary>The MCP server behind the gateway, and the gateway URL agents reach it at (its resource).</summary>
    public const string PaymentsMcp = "payments-mcp";

    /// <summary>
    /// A new folder with the configuration and policy. <paramref name="proxy"/> is the egress proxy's listener (the MCP
    /// gateway), <paramref name="mcpUpstream"/> the payments MCP server's endpoint; both are known before the broker starts
    /// because the MCP tool's resource and upstream name them.
    /// </summary>
    public static DemoEnvironment Create(Uri proxy, Uri mcpUpstream)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mandate-demo-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "policy.yaml"), Resource("demo-policy.yaml") + "\n" + Resource("demo-mcp-policy.yaml"));
        var gateway = new Uri(proxy, "/" + PaymentsMcp);
        File.WriteAllText(Path.Combine(dir, "mandate.yaml"), $$"""
            issuer: http://127.0.0.1:8080
            trust_domain: {{TrustDomain}}
            environment: dev
            data_dir: .
            policy: policy.yaml
            proxy: { listen: {{proxy.ToString().TrimEnd('/')}}, timeout: 30s }
            issuers:
              - { name: workloads, kind: workload, issuer: https://spire.acme.example, jwks_file: workloads.jwks.json, dev_signer: true }
              - { name: acme-idp, kind: user, issuer: https://idp.acme.example, jwks_file: idp.jwks.json, dev_signer: true }
            tools:
              - { name: refunds, resource: https://refunds.acme.example, scopes: [refunds:read, refunds:write], workloads: [{{RefundsTool}}] }
              - { name: crm, resource: https://crm.acme.example, scopes: [crm:read, crm:write], workloads: [spiffe://acme.example/tools/crm] }
              - { name: billing, resource: https://billing.acme.example, scopes: [billing:read, billing:write] }
              - { name: code, resource: https://code.acme.example, scopes: [code:read, code:write] }
              - name: {{PaymentsMcp}}
                resource: {{gateway}}
                scopes: [orders:read, refunds:write]
                upstream: {{mcpUpstream}}
                kind: jwt
                mcp:
                  upstream_resource: {{mcpUpstream}}
                  tool_scopes: { lookup_order: [orders:read], refund: [refunds:write] }
            agents:
              - { id: {{SupportAgent}}, tenants: [acme, globex], tools: [refunds, crm], max_lifetime: 5m, max_delegation_depth: 1, sub_agents: [{{RefundExecutor}}] }
              - { id: {{PaymentsSupportAgent}}, tenants: [acme], tools: [{{PaymentsMcp}}], max_lifetime: 5m }
              - { id: {{RefundExecutor}}, tenants: [acme, globex], tools: [refunds] }
              - { id: {{ResearchAgent}}, tenants: [acme], tools: [crm] }
            """);
        var options = ConfigLoader.LoadFile(Path.Combine(dir, "mandate.yaml"));
        return new DemoEnvironment(dir, options,
            DevIssuer.Ensure(options.Issuers[0], options.DataDirectory),
            DevIssuer.Ensure(options.Issuers[1], options.DataDirectory));
    }

    /// <summary>The payments MCP server's URL on the gateway: what the agent connects to and asks credentials for.</summary>
    public Uri PaymentsGateway => new(Options.Tools.Single(t => t.Name == PaymentsMcp).Resource);

    private static string Resource(string name)
    {
        using var stream = typeof(DemoEnvironment).Assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
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
