using System.Net.Http.Json;
using System.Text.Json;
using Mandate.Core.Configuration;
using Mandate.Core.Development;
using Mandate.Server.Hosting;
using Mandate.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Policy.IntegrationTests;

/// <summary>
/// A real broker for one test: Kestrel on 127.0.0.1 port 0, a SQLite file in a temporary folder, development
/// issuers for agents and users, a manual clock. <see cref="RestartAsync"/> opens a new broker on the same files.
/// </summary>
internal sealed class PolicyBroker : IAsyncDisposable
{
    public const string Support = "spiffe://acme.example/agents/support";
    public const string Other = "spiffe://acme.example/agents/other";

    private readonly string _directory;
    private MandateApp _app;
    private DevIssuer _workloads;
    private DevIssuer _users;
    private DevIssuer _ci;
    private bool _adminSocket;

    private PolicyBroker(string directory, MandateOptions options, MandateApp app, ManualTimeProvider time)
    {
        _directory = directory;
        Options = options;
        _app = app;
        Time = time;
        _workloads = DevIssuer.Ensure(options.Issuers[0], options.DataDirectory);
        _users = DevIssuer.Ensure(options.Issuers[1], options.DataDirectory);
        _ci = DevIssuer.Ensure(options.Issuers[2], options.DataDirectory);
        Http = new HttpClient { BaseAddress = app.BaseAddress };
    }

    public MandateOptions Options { get; }
    public ManualTimeProvider Time { get; }
    public HttpClient Http { get; private set; }
    public IServiceProvider Services => _app.App.Services;

    /// <summary>Starts a broker on <paramref name="policy"/>; <paramref name="evidenceSubjects"/> (a YAML flow list) is what its CI jobs may vouch for.</summary>
    public static async Task<PolicyBroker> StartAsync(string policy, ManualTimeProvider? time = null, bool adminSocket = false, string evidenceSubjects = "['{repository}@{sha}']")
    {
        var directory = Path.Combine(Path.GetTempPath(), "mandate-pit-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "policy.yaml"), policy);
        await File.WriteAllTextAsync(Path.Combine(directory, "mandate.yaml"), $$"""
            issuer: http://127.0.0.1:8080
            trust_domain: acme.example
            environment: dev
            data_dir: .
            policy: policy.yaml
            issuers:
              - { name: workloads, kind: workload, issuer: https://spire.acme.example, jwks_file: workloads.jwks.json, dev_signer: true }
              - { name: idp, kind: user, issuer: https://idp.acme.example, jwks_file: idp.jwks.json, dev_signer: true }
              - { name: ci, kind: ci, issuer: https://token.actions.example, jwks_file: ci.jwks.json, dev_signer: true, evidence_subjects: {{evidenceSubjects}} }
            tools:
              - name: refunds
                resource: https://refunds.acme.example
                scopes: [refunds:read, refunds:write]
                authorization_details_types:
                  - { type: refund, fields: { amount: number, currency: string, note: string? } }
            agents:
              - { id: {{Support}}, tenants: [acme, globex], tools: [refunds] }
              - { id: {{Other}}, tenants: [acme], tools: [refunds] }
            """);
        var options = ConfigLoader.LoadFile(Path.Combine(directory, "mandate.yaml"));
        foreach (var issuer in options.Issuers)
        {
            DevIssuer.Ensure(issuer, options.DataDirectory).Dispose();
        }

        time ??= new ManualTimeProvider();
        var app = await CreateAppAsync(options, time, adminSocket);
        return new PolicyBroker(directory, options, app, time) { _adminSocket = adminSocket };
    }

    /// <summary>Stops this broker and starts a new instance on the same store and keys.</summary>
    public async Task RestartAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
        _app = await CreateAppAsync(Options, Time, _adminSocket);
        Http = new HttpClient { BaseAddress = _app.BaseAddress };
    }

    public string AgentToken(string agent = Support) =>
        _workloads.CreateToken(agent, Options.Issuer, TimeSpan.FromMinutes(10), null, Time.GetUtcNow());

    /// <summary>
    /// A CI job's OIDC token, GitHub Actions style: <c>sub</c>, <c>repository</c> and <c>sha</c> claims, or exactly
    /// <paramref name="claims"/> beside <c>sub</c> when given.
    /// </summary>
    public string CiToken(string repository = "acme/shop", string sha = "4f2a9c1", IReadOnlyDictionary<string, object>? claims = null) =>
        _ci.CreateToken($"repo:{repository}:ref:refs/heads/main", Options.Issuer, TimeSpan.FromMinutes(10),
            claims ?? new Dictionary<string, object> { ["repository"] = repository, ["sha"] = sha }, Time.GetUtcNow());

    /// <summary>Posts evidence with <paramref name="bearer"/> as the poster's identity.</summary>
    public async Task<(int Status, JsonElement Body)> PostEvidenceAsync(string bearer, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/evidence") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        using var response = await Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public string UserToken(string user = "alice", string tenant = "acme", IReadOnlyDictionary<string, object>? claims = null)
    {
        var all = new Dictionary<string, object> { ["tenant"] = tenant };
        foreach (var (k, v) in claims ?? new Dictionary<string, object>())
        {
            all[k] = v;
        }

        return _users.CreateToken(user, Options.Issuer, TimeSpan.FromMinutes(10), all, Time.GetUtcNow());
    }

    /// <summary>A token exchange for the refunds tool as Alice (acme), with extra form fields.</summary>
    public async Task<(int Status, JsonElement Body)> ExchangeAsync(params (string Name, string Value)[] extra) =>
        await ExchangeAsync(UserToken(), extra);

    /// <summary>A token exchange for the refunds tool as Alice (acme), whose token carries the claim <c>tier</c>.</summary>
    public async Task<(int Status, JsonElement Body)> ExchangeWithTierAsync(string tier) =>
        await ExchangeAsync(UserToken(claims: new Dictionary<string, object> { ["tier"] = tier }), []);

    private async Task<(int Status, JsonElement Body)> ExchangeAsync(string subjectToken, (string Name, string Value)[] extra) =>
        await PostAsync(
        [
            ("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
            ("subject_token", subjectToken),
            ("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"),
            ("actor_token", AgentToken()),
            ("actor_token_type", "urn:ietf:params:oauth:token-type:jwt"),
            ("resource", "https://refunds.acme.example"),
            ("scope", "refunds:write"),
            .. extra,
        ]);

    /// <summary>A CIBA poll for <paramref name="authReqId"/> as <paramref name="agent"/>.</summary>
    public async Task<(int Status, JsonElement Body)> PollAsync(string authReqId, string agent = Support, params (string Name, string Value)[] extra) =>
        await PostAsync(
        [
            ("grant_type", "urn:openid:params:grant-type:ciba"),
            ("auth_req_id", authReqId),
            ("actor_token", AgentToken(agent)),
            ("actor_token_type", "urn:ietf:params:oauth:token-type:jwt"),
            .. extra,
        ]);

    public async Task<(int Status, JsonElement Body)> PostAsync(IEnumerable<(string Name, string Value)> form, string path = "/oauth2/token")
    {
        using var content = new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        using var response = await Http.PostAsync(path, content);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return ((int)response.StatusCode, body);
    }

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
        _workloads.Dispose();
        _users.Dispose();
        _ci.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    private static async Task<MandateApp> CreateAppAsync(MandateOptions options, ManualTimeProvider time, bool adminSocket)
    {
        var app = await MandateServer.CreateAsync(options, new MandateHostOptions
        {
            Time = time,
            ListenUrl = "http://127.0.0.1:0",
            AdminSocket = adminSocket,
            WatchPolicy = false,
            LogLevel = LogLevel.Warning,
            GetEnvironment = _ => null,
        });
        await app.StartAsync();
        return app;
    }
}
