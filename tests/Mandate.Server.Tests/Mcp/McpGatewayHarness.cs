using System.Text;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.Mcp;

/// <summary>
/// A broker with its proxy listener on a known 127.0.0.1 port, in front of a real MCP server (C# MCP SDK): two MCP
/// servers behind the gateway over the same upstream, <c>payments-mcp</c> (kind jwt: a fresh Mandate credential is
/// injected) and <c>vault-mcp</c> (kind secret: a vaulted key is injected as X-Api-Key: Key {secret}). The support agent holds
/// credentials for both; the policy's <c>mcp:</c> rules allow lookup_order and whoami, refunds up to 100, and ask a
/// human above. Any MCP client (the C# SDK here, a Node script with the TypeScript SDK) can be pointed at
/// <see cref="Endpoint"/> with a credential from <see cref="CredentialAsync"/>.
/// </summary>
public sealed class McpGatewayHarness : IAsyncDisposable
{
    public const string Payments = "payments-mcp";
    public const string Vault = "vault-mcp";

    private McpGatewayHarness(UpstreamMcpServer upstream, BrokerHarness broker, Uri proxy, string secret)
    {
        Upstream = upstream;
        Broker = broker;
        Proxy = proxy;
        Secret = secret;
    }

    public UpstreamMcpServer Upstream { get; }

    public BrokerHarness Broker { get; }

    /// <summary>The proxy listener's base address, e.g. http://127.0.0.1:40123/.</summary>
    public Uri Proxy { get; }

    /// <summary>The key vaulted for <see cref="Vault"/>; random per harness so a leak cannot be a coincidence.</summary>
    public string Secret { get; }

    /// <summary>The MCP endpoint of <paramref name="tool"/> on the gateway (also the tool's resource).</summary>
    public Uri Endpoint(string tool = Payments) => new(Proxy, "/" + tool);

    /// <summary>What the upstream credential of payments-mcp is for (the MCP server's own resource).</summary>
    public string UpstreamResource => Upstream.Endpoint.ToString();

    /// <param name="brokerAtIssuer">
    /// Listen on the configured issuer's address, so a client that knows nothing but the gateway URL can follow the
    /// protected resource metadata to the broker (the default issuer is a fixed address nothing listens on).
    /// </param>
    /// <param name="policy">policy.yaml; <see cref="Policy"/> unless a test needs other rules.</param>
    /// <param name="telemetry">Turns telemetry on with these exporters.</param>
    public static async Task<McpGatewayHarness> StartAsync(bool brokerAtIssuer = false, string policy = Policy, Action<OpenTelemetry.IOpenTelemetryBuilder>? telemetry = null)
    {
        var upstream = await UpstreamMcpServer.StartAsync();
        try
        {
            var broker = await StartBrokerAsync(upstream, brokerAtIssuer, policy, telemetry);
            var secret = "vault_key_" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            using var admin = broker.Admin();
            await admin.SetSecretAsync(Vault, Encoding.UTF8.GetBytes(secret));
            return new McpGatewayHarness(upstream, broker, new Uri(broker.App.ProxyListener.Address!, "/"), secret);
        }
        catch
        {
            await upstream.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The proxy needs a port known before the configuration is written (the tools' resources name it); another
    /// listener may take a probed free port first, so a few ports are tried.
    /// </summary>
    private static async Task<BrokerHarness> StartBrokerAsync(UpstreamMcpServer upstream, bool brokerAtIssuer, string policy, Action<OpenTelemetry.IOpenTelemetryBuilder>? telemetry)
    {
        for (var attempt = 1; ; attempt++)
        {
            var proxy = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}/");
            var configuration = Configuration(proxy, upstream.Endpoint);
            var listen = "http://127.0.0.1:0";
            if (brokerAtIssuer)
            {
                listen = $"http://127.0.0.1:{LoopbackPort.Free()}";
                configuration = configuration.Replace("issuer: " + TestBroker.Issuer, "issuer: " + listen, StringComparison.Ordinal);
            }

            try
            {
                return await BrokerHarness.StartAsync(policy, configuration: configuration, listenUrl: listen, proxyListenUrl: proxy.ToString().TrimEnd('/'), telemetry: telemetry);
            }
            catch (global::Mandate.Server.Hosting.ListenerInUseException) when (attempt < 5)
            {
                // Taken between the probe and the bind: try another.
            }
        }
    }

    /// <summary>A credential for <paramref name="tool"/>'s gateway resource, issued by a real exchange for alice's support agent.</summary>
    public Task<string> CredentialAsync(string tool = Payments, string? scope = null) =>
        Broker.IssueAsync(Broker.RefundRequest() with { Resource = Endpoint(tool).ToString(), Scope = scope ?? (tool == Vault ? "vault:read vault:write" : "orders:read refunds:write") });

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        await Upstream.DisposeAsync();
    }

    public static string Configuration(Uri proxy, Uri upstream) => TestBroker.Configuration
        .Replace("tools:\n", $$"""
            tools:
              - name: {{Payments}}
                resource: {{new Uri(proxy, "/" + Payments)}}
                scopes: [orders:read, refunds:write]
                upstream: {{upstream}}
                mcp:
                  upstream_resource: {{upstream}}
                  tool_scopes: { refund: [refunds:write], lookup_order: [orders:read], whoami: [orders:read] }
              - name: {{Vault}}
                kind: secret
                resource: {{new Uri(proxy, "/" + Vault)}}
                scopes: [vault:read, vault:write]
                upstream: {{upstream}}
                secret: { header: X-Api-Key, format: "Key {secret}" }
                mcp:
                  tool_scopes: { refund: [vault:write], lookup_order: [vault:read] }

            """, StringComparison.Ordinal)
        .Replace("tools: [refunds, crm], max_lifetime: 3m", $"tools: [refunds, crm, {Payments}, {Vault}], max_lifetime: 3m", StringComparison.Ordinal)
        // The orchestrator and the sub-agents may be handed the vaulted-key server in a delegation tree (its scopes name it alone).
        .Replace("tools: [refunds, crm], max_delegation_depth: 2", $"tools: [refunds, crm, {Vault}], max_delegation_depth: 2", StringComparison.Ordinal)
        .Replace("tenants: [acme], tools: [refunds] }", $"tenants: [acme], tools: [refunds, {Vault}] }}", StringComparison.Ordinal)
        + $"\nproxy: {{ listen: {proxy.ToString().TrimEnd('/')}, max_request_body: 64KiB, timeout: 30s }}\n";

    public const string Policy = TestBroker.Policy + """


          - id: support-payments-mcp
            reason: Support agents use the payments MCP server for the user they serve.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp]
            scopes: [orders:read, refunds:write]

          - id: support-vault-mcp
            reason: Support agents use the vaulted-key MCP server for the user they serve.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [vault-mcp]
            scopes: [vault:read, vault:write]

          - id: mcp-lookup
            reason: Support agents look orders up.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp, vault-mcp]
            mcp: { tools: [lookup_order, whoami] }

          - id: mcp-small-refunds
            reason: Small refunds need no one else.
            effect: allow
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp, vault-mcp]
            mcp: { tools: [refund] }
            when: mcp.arguments.amount <= 100

          - id: mcp-large-refunds
            reason: A human approves refunds above 100.
            effect: require_approval
            agents: ["spiffe://acme.example/agents/support"]
            tools: [payments-mcp, vault-mcp]
            mcp: { tools: [refund], record_arguments: true }
            when: mcp.arguments.amount > 100
        """;
}
