using Mandate.Core.Configuration;
using Mandate.Core.Development;
using Mandate.Core.Secrets;
using Mandate.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Bench.Proxy;

/// <summary>An upstream that answers a small JSON body, and a real broker (SQLite, audit) whose egress proxy fronts it.</summary>
internal sealed class BenchSetup : IAsyncDisposable
{
    public const string Agent = "spiffe://acme.example/agents/support";
    public const string Resource = "https://stripe.acme.example";

    private BenchSetup(string folder, WebApplication upstream, MandateApp broker, DevIssuer workloads, DevIssuer users)
    {
        Folder = folder;
        Upstream = upstream;
        Broker = broker;
        Workloads = workloads;
        Users = users;
    }

    public string Folder { get; }
    public WebApplication Upstream { get; }
    public MandateApp Broker { get; }
    public DevIssuer Workloads { get; }
    public DevIssuer Users { get; }

    public Uri UpstreamAddress => new(Upstream.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public Uri ProxyAddress => Broker.ProxyListener.Address!;

    public static async Task<BenchSetup> StartAsync()
    {
        var upstreamBuilder = WebApplication.CreateSlimBuilder();
        upstreamBuilder.Logging.ClearProviders();
        upstreamBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        var upstream = upstreamBuilder.Build();
        upstream.Run(http => http.Response.WriteAsync("{\"id\":\"ch_1\",\"amount\":1200,\"currency\":\"eur\"}"));
        await upstream.StartAsync();
        var upstreamUrl = upstream.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var folder = Path.Combine(Path.GetTempPath(), "mandate-proxy-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "policy.yaml"), """
            rules:
              - id: support-stripe
                reason: Support agents read charges for the user they serve.
                effect: allow
                agents: ["spiffe://acme.example/agents/support"]
                tools: [stripe]
                scopes: [charges:read]
                http: ["GET /v1/charges/*"]
            """);
        await File.WriteAllTextAsync(Path.Combine(folder, "mandate.yaml"), $$"""
            trust_domain: acme.example
            data_dir: .
            policy: policy.yaml
            lifetimes: { default: 15m, max: 15m }
            issuers:
              - { name: workloads, kind: workload, issuer: https://spire.acme.example, jwks_file: workloads.jwks.json, dev_signer: true }
              - { name: acme-idp, kind: user, issuer: https://idp.acme.example, jwks_file: idp.jwks.json, dev_signer: true }
            tools:
              - { name: stripe, kind: secret, resource: {{Resource}}, scopes: [charges:read], upstream: "{{upstreamUrl}}", secret: { header: Authorization, format: "Bearer {secret}" } }
            agents:
              - { id: {{Agent}}, tenants: [acme], tools: [stripe], max_lifetime: 15m }
            proxy: { listen: "http://127.0.0.1:0", max_request_body: 1MiB, timeout: 30s }
            """);
        var options = ConfigLoader.LoadFile(Path.Combine(folder, "mandate.yaml"));
        var broker = await MandateServer.CreateAsync(options, new MandateHostOptions
        {
            ListenUrl = "http://127.0.0.1:0",
            GetEnvironment = _ => null,
            WatchPolicy = false,
            AdminSocket = false,
            LogLevel = LogLevel.Warning,
        });
        await broker.StartAsync();
        var vault = broker.App.Services.GetRequiredService<SecretVault>();
        // A random stand-in for a vendor key, generated per run.
        await vault.SetAsync("stripe", System.Text.Encoding.ASCII.GetBytes("bench_" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))), "bench", CancellationToken.None);
        return new BenchSetup(folder, upstream, broker, DevIssuer.Ensure(options.Issuers[0], options.DataDirectory), DevIssuer.Ensure(options.Issuers[1], options.DataDirectory));
    }

    /// <summary>A real exchange for a stripe credential (alice, tenant acme).</summary>
    public async Task<string> CredentialAsync(HttpClient http, string issuer)
    {
        var now = DateTimeOffset.UtcNow;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["actor_token"] = Workloads.CreateToken(Agent, issuer, TimeSpan.FromMinutes(30), null, now),
            ["actor_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["subject_token"] = Users.CreateToken("alice", issuer, TimeSpan.FromMinutes(30), new Dictionary<string, object> { ["tenant"] = "acme" }, now),
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["resource"] = Resource,
            ["scope"] = "charges:read",
        });
        using var response = await http.PostAsync(new Uri(Broker.BaseAddress, "oauth2/token"), form);
        var body = await response.Content.ReadAsStringAsync();
        response.EnsureSuccessStatusCode();
        return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
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
