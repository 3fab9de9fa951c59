using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Server.Hosting;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.Attestation;

/// <summary>
/// A real broker that trusts one Kubernetes cluster (profile kubernetes, RS256, JWKS file): a pod's projected
/// service-account token is the actor_token of an RFC 8693 exchange and is mapped to the registered agent
/// spiffe://acme.example/ns/payments/sa/refunder.
/// </summary>
public sealed class KubernetesTrustTests : IAsyncLifetime, IDisposable
{
    private const string Audience = "http://127.0.0.1:8080";
    private const string Agent = "spiffe://acme.example/ns/payments/sa/refunder";
    private const string Refunds = "https://refunds.acme.example";

    private const string Configuration = $$"""
        issuer: {{Audience}}
        trust_domain: acme.example
        environment: dev
        node: node-a
        data_dir: .
        policy: policy.yaml
        admin_socket: admin.sock
        issuers:
          - name: cluster-prod
            kind: workload
            profile: kubernetes
            issuer: {{ClusterIssuer.Issuer}}
            jwks_file: cluster-prod.jwks.json
            algorithms: [RS256]
            namespaces: [payments]
        tools:
          - { name: refunds, resource: {{Refunds}}, scopes: [refunds:read, refunds:write] }
        agents:
          - { id: "{{Agent}}", tenants: [acme], tools: [refunds] }
        """;

    private const string Policy = $$"""
        rules:
          - id: refunder-reads-refunds
            reason: The payments refunder pod reads refunds for its own tenant; it never writes.
            effect: allow
            agents: ["{{Agent}}"]
            tools: [refunds]
            scopes: [refunds:read]
            subject: agent
            tenant: [acme]
        """;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mdk-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly ManualTimeProvider _clock = new();
    private readonly ClusterIssuer _cluster = new();
    private MandateApp _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        await File.WriteAllTextAsync(Path.Combine(_dir, "mandate.yaml"), Configuration);
        await File.WriteAllTextAsync(Path.Combine(_dir, "policy.yaml"), Policy);
        await File.WriteAllTextAsync(Path.Combine(_dir, "cluster-prod.jwks.json"), _cluster.Jwks);
        var options = ConfigLoader.LoadFile(Path.Combine(_dir, "mandate.yaml"));
        _app = await MandateServer.CreateAsync(options, new MandateHostOptions
        {
            ListenUrl = "http://127.0.0.1:0",
            Time = _clock,
            GetEnvironment = _ => null,
            WatchPolicy = false,
            StoreBusyTimeout = TimeSpan.FromSeconds(1),
        });
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = _app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }

    public void Dispose()
    {
        _http?.Dispose();
        _cluster.Dispose();
    }

    private string PodToken(string ns = "payments", string sa = "refunder", Action<Dictionary<string, object>>? edit = null) =>
        _cluster.Token(ns, sa, Audience, _clock.GetUtcNow(), edit);

    /// <summary>The pod exchanges its own token (background work, no user) for a refunds read credential.</summary>
    private async Task<OAuthReply> ExchangeAsync(string actorToken)
    {
        var request = new ExchangeRequest { ActorToken = actorToken, SubjectToken = actorToken, Resource = Refunds, Scope = "refunds:read", Tenant = "acme" };
        using var response = await _http.PostAsync(new Uri("oauth2/token", UriKind.Relative), new FormUrlEncodedContent(request.ToForm()));
        return await OAuthReply.ReadAsync(response);
    }

    private async Task<List<AuditEvent>> AuditAsync(string kind)
    {
        var events = new List<AuditEvent>();
        await foreach (var record in _app.Runtime.Store.ReadAuditAsync(new AuditQuery { Kind = kind }, CancellationToken.None))
        {
            events.Add(record.Event);
        }

        return events;
    }

    [Fact]
    public async Task Exchange_KubernetesServiceAccountToken_IsMappedToTheRegisteredAgentAndIssued()
    {
        var reply = await ExchangeAsync(PodToken());

        Expect.Issued(reply);
        var issuance = Assert.Single(await AuditAsync(AuditKinds.Issuance));
        Assert.Equal(Agent, issuance.Agent);
        Assert.Equal("refunder-reads-refunds", issuance.Rule);
        Assert.Equal("cluster-prod", issuance.Evidence["actor_issuer_name"]);
        Assert.Equal("kubernetes", issuance.Evidence["actor_profile"]);
        Assert.Equal(ClusterIssuer.Issuer, issuance.Evidence["actor_issuer"]);
        Assert.Equal("RS256", issuance.Evidence["actor_alg"]);
    }

    [Fact]
    public async Task Exchange_KubernetesTokenForAnotherAudience_IsRefusedAndNothingIssued()
    {
        // The token the pod uses for the Kubernetes API itself, replayed at Mandate.
        var token = _cluster.Token("payments", "refunder", "https://kubernetes.default.svc.cluster.local", _clock.GetUtcNow());

        var reply = await ExchangeAsync(token);

        Expect.Refused(reply, "invalid_request", "is not addressed to Mandate");
        Assert.DoesNotContain(token.Split('.')[1], reply.Body, StringComparison.Ordinal);
        Assert.Empty(await AuditAsync(AuditKinds.Issuance));
    }

    [Fact]
    public async Task Exchange_KubernetesTokenWithoutPodBinding_IsRefused()
    {
        var reply = await ExchangeAsync(PodToken(edit: c => ((Dictionary<string, object>)c["kubernetes.io"]).Remove("pod")));

        Expect.Refused(reply, "invalid_request", "is not bound to a pod", "cluster-prod");
        Assert.Empty(await AuditAsync(AuditKinds.Issuance));
    }

    [Fact]
    public async Task Exchange_ServiceAccountFromANamespaceNotAllowed_IsRefused()
    {
        var reply = await ExchangeAsync(PodToken(ns: "sandbox"));

        Expect.Refused(reply, "invalid_request", "namespaces: payments");
        Assert.Empty(await AuditAsync(AuditKinds.Issuance));
    }

    [Fact]
    public async Task Exchange_OtherServiceAccountInAllowedNamespace_IsNotARegisteredAgent()
    {
        var reply = await ExchangeAsync(PodToken(sa: "debug-shell"));

        Expect.Refused(reply, "invalid_request", "spiffe://acme.example/ns/payments/sa/debug-shell' is not a registered agent");
        Assert.Empty(await AuditAsync(AuditKinds.Issuance));
    }

    [Fact]
    public async Task Exchange_ClusterSigningKeyRotatedInTheJwksFile_IsAcceptedWithoutRestart()
    {
        Expect.Issued(await ExchangeAsync(PodToken()));
        using var next = new ClusterIssuer();

        await File.WriteAllTextAsync(Path.Combine(_dir, "cluster-prod.jwks.json"), next.Jwks);

        Expect.Issued(await ExchangeAsync(next.Token("payments", "refunder", Audience, _clock.GetUtcNow())));
        Expect.Refused(await ExchangeAsync(PodToken()), "invalid_request", "signature does not verify");
    }
}
