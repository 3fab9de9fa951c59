using System.Net.Http.Headers;
using Mandate.Client;
using Mandate.Core.Configuration;
using Mandate.Core.Development;
using Mandate.Server.Hosting;
using Mandate.Testing;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Tests.Harness;

/// <summary>
/// A real broker on Kestrel at 127.0.0.1 (port 0) over a temp folder holding mandate.yaml, policy.yaml,
/// the SQLite file, the generated key-encryption key, the development issuers' keys and the admin socket.
/// The clock is manual and the policy reloads only when a test says so. Dispose stops it and deletes the folder.
/// </summary>
public sealed partial class BrokerHarness : IAsyncDisposable
{
    /// <summary>Lifetime of the identity tokens tests present (SVIDs, user tokens).</summary>
    public static readonly TimeSpan IdentityLifetime = TimeSpan.FromMinutes(10);

    private const string DefaultListenUrl = "http://127.0.0.1:0";
    private string _listenUrl = DefaultListenUrl;
    private string? _proxyListenUrl;
    private Action<OpenTelemetry.IOpenTelemetryBuilder>? _telemetry;
    private bool _ownsDirectory = true;
    private bool _stopped;

    private BrokerHarness(string directory, MandateOptions options, ManualTimeProvider clock, MandateApp app, CapturedLogs logs)
    {
        Logs = logs;
        Directory = directory;
        Options = options;
        Clock = clock;
        App = app;
        Http = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Workloads = DevIssuer.Ensure(options.Issuers[0], options.DataDirectory);
        Users = DevIssuer.Ensure(options.Issuers[1], options.DataDirectory);
        WorkloadKey = IssuerKey.Load(TestBroker.WorkloadIssuer, options.DataDirectory, "workloads", options.Issuers[0].JwksFile!);
        UserKey = IssuerKey.Load(TestBroker.UserIssuer, options.DataDirectory, "acme-idp", options.Issuers[1].JwksFile!);
        PartnerKey = IssuerKey.Load(TestBroker.PartnerIssuer, options.DataDirectory, "partner-idp", options.Issuers[2].JwksFile!);
    }

    /// <summary>Everything the broker logged, at every level, across restarts.</summary>
    public CapturedLogs Logs { get; }

    public string Directory { get; }
    public MandateOptions Options { get; }
    public ManualTimeProvider Clock { get; }
    public MandateApp App { get; private set; }
    public MandateRuntime Runtime => App.Runtime;
    public HttpClient Http { get; private set; }
    public DevIssuer Workloads { get; }
    public DevIssuer Users { get; }
    internal IssuerKey WorkloadKey { get; }
    internal IssuerKey UserKey { get; }
    internal IssuerKey PartnerKey { get; }
    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <param name="policy">policy.yaml.</param>
    /// <param name="extraConfiguration">YAML appended to <see cref="TestBroker.Configuration"/> (e.g. tls:, spiffe:).</param>
    /// <param name="listenUrl">Overrides the listener, e.g. https://127.0.0.1:0.</param>
    /// <param name="configuration">mandate.yaml before <paramref name="extraConfiguration"/>; default <see cref="TestBroker.Configuration"/>.</param>
    /// <param name="prepare">Writes files the configuration names (certificates) into the folder before it is loaded.</param>
    /// <param name="proxyListenUrl">The proxy's listener when a test needs a known port (a tool's resource names it); default 127.0.0.1:0.</param>
    /// <param name="telemetry">Turns telemetry on with these exporters (in-memory ones in tests).</param>
    /// <param name="clock">The broker's clock; default a manual one at 2026-01-01.</param>
    public static async Task<BrokerHarness> StartAsync(
        string policy = TestBroker.Policy, string? extraConfiguration = null, string listenUrl = DefaultListenUrl, Func<string, Task>? prepare = null,
        string configuration = TestBroker.Configuration, string? proxyListenUrl = null, Action<OpenTelemetry.IOpenTelemetryBuilder>? telemetry = null,
        ManualTimeProvider? clock = null)
    {
        // Short on purpose: the admin socket lives here and Unix socket paths are limited to ~100 bytes.
        var directory = Path.Combine(Path.GetTempPath(), "mdt-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "policy.yaml"), policy);
            if (prepare is not null)
            {
                await prepare(directory);
            }

            return await StartInAsync(directory, "mandate.yaml", configuration + "\n" + extraConfiguration, clock ?? new ManualTimeProvider(), listenUrl, proxyListenUrl, telemetry);
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// A broker whose issuer is its own address (a free port on 127.0.0.1) and whose clock starts at the real time:
    /// what a third-party client needs, which discovers the issuer and dates its DPoP proofs by its own clock.
    /// <paramref name="start"/> starts it earlier, so what it issues at once is already old by the client's clock.
    /// </summary>
    public static async Task<BrokerHarness> StartAtIssuerAsync(string policy = TestBroker.Policy, string configuration = TestBroker.Configuration, DateTimeOffset? start = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var issuer = $"http://127.0.0.1:{LoopbackPort.Free()}";
            var atIssuer = configuration.Replace("issuer: " + TestBroker.Issuer, "issuer: " + issuer, StringComparison.Ordinal);
            try
            {
                return await StartAsync(policy, configuration: atIssuer, listenUrl: issuer, clock: new ManualTimeProvider(start ?? DateTimeOffset.UtcNow));
            }
            catch (ListenerInUseException) when (attempt < 5)
            {
                // Taken between the probe and the bind: try another.
            }
        }
    }

    /// <summary>
    /// A broker over <paramref name="directory"/> (which it does not delete) configured by <paramref name="configFile"/>:
    /// how several nodes share one folder's policy, key-encryption key and development issuers, each with its own
    /// configuration (node name, admin socket) and the same clock.
    /// </summary>
    public static async Task<BrokerHarness> StartNodeAsync(string directory, string configFile, string configuration, ManualTimeProvider clock)
    {
        var harness = await StartInAsync(directory, configFile, configuration, clock, DefaultListenUrl);
        harness._ownsDirectory = false;
        return harness;
    }

    private static async Task<BrokerHarness> StartInAsync(string directory, string configFile, string configuration, ManualTimeProvider clock, string listenUrl, string? proxyListenUrl = null, Action<OpenTelemetry.IOpenTelemetryBuilder>? telemetry = null)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, configFile), configuration);
        var options = ConfigLoader.LoadFile(Path.Combine(directory, configFile));
        var logs = new CapturedLogs();
        return new BrokerHarness(directory, options, clock, await StartAppAsync(options, clock, logs, listenUrl, proxyListenUrl, telemetry), logs) { _listenUrl = listenUrl, _proxyListenUrl = proxyListenUrl, _telemetry = telemetry };
    }

    /// <summary>Stops the broker, runs <paramref name="whileStopped"/>, and starts a new process-equivalent over the same folder, store and clock.</summary>
    public async Task RestartAsync(Func<Task>? whileStopped = null)
    {
        Http.Dispose();
        await App.DisposeAsync();
        if (whileStopped is not null)
        {
            await whileStopped();
        }

        App = await StartAppAsync(Options, Clock, Logs, _listenUrl, _proxyListenUrl, _telemetry);
        Http = new HttpClient { BaseAddress = App.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    private static async Task<MandateApp> StartAppAsync(MandateOptions options, ManualTimeProvider clock, CapturedLogs logs, string listenUrl, string? proxyListenUrl, Action<OpenTelemetry.IOpenTelemetryBuilder>? telemetry = null)
    {
        var app = await MandateServer.CreateAsync(options, new MandateHostOptions
        {
            ConfigureLogging = builder =>
            {
                builder.AddProvider(logs);
                builder.AddFilter<CapturedLogs>(null, LogLevel.Trace);

                // As in production: a request log scope would start an activity per request, where only CallerTrace may.
                builder.AddFilter<CapturedLogs>("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
            },
            ListenUrl = listenUrl,
            ProxyListenUrl = options.Proxy.Enabled ? proxyListenUrl ?? "http://127.0.0.1:0" : null,
            Time = clock,
            // No MANDATE_KEK: the key-encryption key is generated into the data folder.
            GetEnvironment = _ => null,
            WatchPolicy = false,
            StoreBusyTimeout = TimeSpan.FromSeconds(1),
            LogLevel = LogLevel.Warning,
            ConfigureTelemetry = telemetry,
        });
        try
        {
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    // --- identities -------------------------------------------------------------------------------

    /// <summary>A JWT-SVID for <paramref name="spiffeId"/> from the workload issuer, addressed to the broker.</summary>
    public string Svid(string spiffeId) => Workloads.CreateToken(spiffeId, Options.Issuer, IdentityLifetime, null, Now);

    /// <summary>A user's token from the acme identity provider, naming their tenant.</summary>
    public string UserToken(string user = "alice", string tenant = "acme") =>
        Users.CreateToken(user, Options.Issuer, IdentityLifetime, new Dictionary<string, object> { ["tenant"] = tenant }, Now);

    /// <summary>The claims of a valid workload token, for hand-built variants.</summary>
    public Dictionary<string, object> WorkloadClaims(string spiffeId) => IdentityClaims(TestBroker.WorkloadIssuer, spiffeId);

    /// <summary>The claims of a valid user token, for hand-built variants.</summary>
    public Dictionary<string, object> UserClaims(string user = "alice", string tenant = "acme")
    {
        var claims = IdentityClaims(TestBroker.UserIssuer, user);
        claims["tenant"] = tenant;
        return claims;
    }

    private Dictionary<string, object> IdentityClaims(string issuer, string subject) => new()
    {
        ["iss"] = issuer,
        ["sub"] = subject,
        ["aud"] = Options.Issuer,
        ["iat"] = Now.ToUnixTimeSeconds(),
        ["exp"] = (Now + IdentityLifetime).ToUnixTimeSeconds(),
        ["jti"] = Guid.NewGuid().ToString("N"),
    };

    // --- OAuth endpoints --------------------------------------------------------------------------

    /// <summary>The support agent refunding for alice in her tenant: the request the policy allows.</summary>
    public ExchangeRequest RefundRequest() => new()
    {
        ActorToken = Svid(TestBroker.SupportAgent),
        SubjectToken = UserToken(),
        Resource = TestBroker.Refunds,
        Scope = "refunds:write",
    };

    public Task<OAuthReply> ExchangeAsync(ExchangeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PostFormAsync("oauth2/token", request.ToForm());
    }

    /// <summary>Exchanges and requires success; returns the access token.</summary>
    public async Task<string> IssueAsync(ExchangeRequest? request = null)
    {
        var reply = await ExchangeAsync(request ?? RefundRequest());
        return Expect.Issued(reply);
    }

    public Task<OAuthReply> IntrospectAsync(string token, string callerToken) =>
        PostFormAsync("oauth2/introspect", [new("token", token)], callerToken);

    public Task<OAuthReply> RevokeAsync(string token, string callerToken) =>
        PostFormAsync("oauth2/revoke", [new("token", token)], callerToken);

    public async Task<OAuthReply> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> form, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await SendAsync(request);
    }

    public async Task<OAuthReply> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request);
        return await OAuthReply.ReadAsync(response);
    }

    /// <summary>The operator API on the admin Unix socket.</summary>
    public MandateAdminClient Admin() => new(Options.AdminSocket);

    /// <summary>
    /// Stops the broker as a dead node stops, keeping the identities: other nodes' harnesses sign with the same
    /// development keys (and the JOSE library caches one signer per key id), so those must outlive this node.
    /// </summary>
    public async Task StopAsync()
    {
        _stopped = true;
        Http.Dispose();
        await App.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            Http.Dispose();
            await App.DisposeAsync();
        }

        Workloads.Dispose();
        Users.Dispose();
        WorkloadKey.Dispose();
        UserKey.Dispose();
        PartnerKey.Dispose();
        if (_ownsDirectory)
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
