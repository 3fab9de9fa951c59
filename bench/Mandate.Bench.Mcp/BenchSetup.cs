using System.Net;
using System.Net.Sockets;
using Mandate.Core.Configuration;
using Mandate.Core.Development;
using Mandate.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Mandate.Bench.Mcp;

/// <summary>
/// An MCP server (C# SDK) and a real broker (SQLite, durable audit) whose proxy fronts it as the MCP tool
/// <c>payments-mcp</c> (kind jwt: the gateway injects a fresh, cached Mandate credential for the server).
/// </summary>
internal sealed class BenchSetup : IAsyncDisposable
{
    public const string Agent = "spiffe://acme.example/agents/support";
    public const string Tool = "payments-mcp";

    private BenchSetup(string folder, WebApplication upstream, MandateApp broker, Uri gateway, DevIssuer workloads, DevIssuer users)
    {
        Folder = folder;
        Upstream = upstream;
        Broker = broker;
        Gateway = gateway;
        Workloads = workloads;
        Users = users;
    }

    public string Folder { get; }
    public WebApplication Upstream { get; }
    public MandateApp Broker { get; }
    public DevIssuer Workloads { get; }
    public DevIssuer Users { get; }

    /// <summary>The tool's MCP endpoint on the gateway, which is also the resource agents ask credentials for.</summary>
    public Uri Gateway { get; }

    public Uri UpstreamEndpoint => UpstreamMcpServer.Endpoint(Upstream);

    public static async Task<BenchSetup> StartAsync()
    {
        var upstream = await UpstreamMcpServer.StartAsync();
        var folder = Path.Combine(Path.GetTempPath(), "mandate-mcp-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "policy.yaml"), """
            rules:
              - id: support-payments-mcp
                reason: Support agents use the payments MCP server for the user they serve.
                effect: allow
                agents: ["spiffe://acme.example/agents/support"]
                tools: [payments-mcp]
                scopes: [orders:read]
              - id: mcp-lookup
                reason: Support agents look orders up.
                effect: allow
                agents: ["spiffe://acme.example/agents/support"]
                tools: [payments-mcp]
                mcp: { tools: [lookup_order] }
            """);

        // The tool's resource is the gateway URL, so the proxy needs a port known before the configuration is
        // written; another listener may take a probed port first, so a few are tried.
        for (var attempt = 1; ; attempt++)
        {
            var proxy = new Uri($"http://127.0.0.1:{FreePort()}/");
            var gateway = new Uri(proxy, "/" + Tool);
            var options = await ConfigureAsync(folder, proxy, gateway, UpstreamMcpServer.Endpoint(upstream));
            MandateApp? broker = null;
            try
            {
                broker = await MandateServer.CreateAsync(options, new MandateHostOptions
                {
                    ListenUrl = "http://127.0.0.1:0",
                    GetEnvironment = _ => null,
                    WatchPolicy = false,
                    AdminSocket = false,
                    LogLevel = LogLevel.Warning,
                });
                await broker.StartAsync();
                return new BenchSetup(folder, upstream, broker, gateway, DevIssuer.Ensure(options.Issuers[0], options.DataDirectory), DevIssuer.Ensure(options.Issuers[1], options.DataDirectory));
            }
            catch (ListenerInUseException) when (attempt < 5)
            {
                // Taken between the probe and the bind: try another.
                if (broker is not null)
                {
                    await broker.DisposeAsync();
                }
            }
        }
    }

    private static async Task<MandateOptions> ConfigureAsync(string folder, Uri proxy, Uri gateway, Uri upstream)
    {
        await File.WriteAllTextAsync(Path.Combine(folder, "mandate.yaml"), $$"""
            trust_domain: acme.example
            data_dir: .
            policy: policy.yaml
            lifetimes: { default: 15m, max: 15m }
            issuers:
              - { name: workloads, kind: workload, issuer: https://spire.acme.example, jwks_file: workloads.jwks.json, dev_signer: true }
              - { name: acme-idp, kind: user, issuer: https://idp.acme.example, jwks_file: idp.jwks.json, dev_signer: true }
            tools:
              - name: {{Tool}}
                kind: jwt
                resource: {{gateway}}
                scopes: [orders:read]
                upstream: {{upstream}}
                mcp:
                  upstream_resource: {{upstream}}
                  tool_scopes: { lookup_order: [orders:read] }
            agents:
              - { id: {{Agent}}, tenants: [acme], tools: [{{Tool}}], max_lifetime: 15m }
            proxy: { listen: "{{proxy.ToString().TrimEnd('/')}}", max_request_body: 1MiB, timeout: 30s }
            """);
        return ConfigLoader.LoadFile(Path.Combine(folder, "mandate.yaml"));
    }

    /// <summary>A real exchange for a payments-mcp credential (alice, tenant acme, orders:read).</summary>
    public async Task<string> CredentialAsync(HttpClient http)
    {
        var issuer = Broker.Runtime.Options.Issuer;
        var now = DateTimeOffset.UtcNow;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["actor_token"] = Workloads.CreateToken(Agent, issuer, TimeSpan.FromMinutes(30), null, now),
            ["actor_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["subject_token"] = Users.CreateToken("alice", issuer, TimeSpan.FromMinutes(30), new Dictionary<string, object> { ["tenant"] = "acme" }, now),
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["resource"] = Gateway.ToString(),
            ["scope"] = "orders:read",
        });
        using var response = await http.PostAsync(new Uri(Broker.BaseAddress, "oauth2/token"), form);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"token exchange answered {(int)response.StatusCode}: {body}");
        }

        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Workloads.Dispose();
        Users.Dispose();
        await Broker.DisposeAsync();
        await Upstream.StopAsync();
        await Upstream.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
