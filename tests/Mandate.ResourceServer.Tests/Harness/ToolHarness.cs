using System.Net.Http.Headers;
using System.Text;
using Mandate.Client;
using Mandate.Core.Configuration;
using Mandate.Core.Development;
using Mandate.Examples.Tools;
using Mandate.Server.Hosting;
using Mandate.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.ResourceServer.Tests.Harness;

/// <summary>
/// A real broker (Kestrel on 127.0.0.1:0, SQLite in a temp folder, manual clock) and real example tool services
/// on 127.0.0.1:0 that accept its credentials through <c>AddMandateToken</c>. Dispose stops both and deletes the folder.
/// </summary>
public sealed class ToolHarness : IAsyncDisposable
{
    private readonly List<ToolClient> _tools = [];

    private ToolHarness(string directory, MandateOptions options, ManualTimeProvider clock, MandateApp broker)
    {
        Directory = directory;
        Options = options;
        Clock = clock;
        Broker = broker;
        BrokerHttp = new HttpClient { BaseAddress = broker.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Workloads = DevIssuer.Ensure(options.Issuers[0], options.DataDirectory);
        Users = DevIssuer.Ensure(options.Issuers[1], options.DataDirectory);
    }

    public string Directory { get; }
    public MandateOptions Options { get; }
    public ManualTimeProvider Clock { get; }
    public MandateApp Broker { get; }
    public HttpClient BrokerHttp { get; }
    public DevIssuer Workloads { get; }
    public DevIssuer Users { get; }

    /// <summary>Mandate's SPIFFE issuer and workload endpoint on (socket {data_dir}/workload.sock), as in the quickstart.</summary>
    public const string WorkloadEndpointConfiguration = """

        spiffe:
          enabled: true
          jwt_svid_ttl: 5m
        """;

    /// <param name="extraConfiguration">YAML appended to <paramref name="configuration"/>.</param>
    /// <param name="configuration">mandate.yaml before <paramref name="extraConfiguration"/>; default <see cref="ToolBroker.Configuration"/>.</param>
    public static async Task<ToolHarness> StartAsync(string extraConfiguration = "", string configuration = ToolBroker.Configuration)
    {
        var directory = Path.Combine(Path.GetTempPath(), "mrs-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "policy.yaml"), ToolBroker.Policy);
            await File.WriteAllTextAsync(Path.Combine(directory, "mandate.yaml"), configuration + extraConfiguration);
            var options = ConfigLoader.LoadFile(Path.Combine(directory, "mandate.yaml"));
            var clock = new ManualTimeProvider();
            var broker = await MandateServer.CreateAsync(options, new MandateHostOptions
            {
                ListenUrl = "http://127.0.0.1:0",
                Time = clock,
                GetEnvironment = _ => null,
                WatchPolicy = false,
                LogLevel = LogLevel.Warning,
            });
            await broker.StartAsync();
            return new ToolHarness(directory, options, clock, broker);
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>Starts an example tool service against this broker; <paramref name="configure"/> adjusts the handler.</summary>
    public async Task<ToolClient> StartToolAsync(ToolKind tool, Action<MandateTokenOptions>? configure = null, MandateIntrospectionOptions? introspection = null, IReadOnlyList<string>? tenants = null, System.Security.Cryptography.X509Certificates.X509Certificate2? serverCertificate = null, ToolIdentity? identity = null, ILoggerProvider? logs = null, Action<Microsoft.AspNetCore.Routing.IEndpointRouteBuilder>? endpoints = null)
    {
        var app = ToolService.Build(new ToolServiceOptions
        {
            Identity = identity,
            Logging = logs is null ? null : logging => logging.AddProvider(logs),
            Tool = tool,
            Issuer = ToolBroker.Issuer,
            BrokerAddress = Broker.BaseAddress,
            Time = Clock,
            Introspection = introspection,
            Tenants = tenants,
            Configure = configure,
            Endpoints = endpoints,
            ServerCertificate = serverCertificate,
            Url = serverCertificate is null ? "http://127.0.0.1:0" : "https://127.0.0.1:0",
        }, logs is null ? LogLevel.Warning : LogLevel.Information);
        await app.StartAsync();
        var client = new ToolClient(app, serverCertificate is null ? null : TlsClient(serverCertificate, null));
        _tools.Add(client);
        return client;
    }

    /// <summary>Another client of a running tool, over TLS presenting <paramref name="clientCertificate"/> (or none).</summary>
    public ToolClient Connect(ToolClient tool, System.Security.Cryptography.X509Certificates.X509Certificate2 serverCertificate, System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate)
    {
        var client = new ToolClient(tool.App, TlsClient(serverCertificate, clientCertificate));
        _tools.Add(client);
        return client;
    }

    private static SocketsHttpHandler TlsClient(System.Security.Cryptography.X509Certificates.X509Certificate2 server, System.Security.Cryptography.X509Certificates.X509Certificate2? client)
    {
        var handler = new SocketsHttpHandler();
        // Trust exactly the test server's certificate, nothing else.
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == server.GetCertHashString();
        if (client is not null)
        {
            handler.SslOptions.ClientCertificates = [client];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => client;
        }

        return handler;
    }

    /// <summary>Introspection as the tool's own workload, on every request.</summary>
    public MandateIntrospectionOptions IntrospectAlways(ToolKind tool, IntrospectionMode mode = IntrospectionMode.Always) => new()
    {
        Mode = mode,
        WorkloadToken = _ => ValueTask.FromResult(Svid(tool.Workload)),
    };

    /// <summary>The broker's workload socket (with <see cref="WorkloadEndpointConfiguration"/>).</summary>
    public string WorkloadSocket => Options.Spiffe.WorkloadSocket;

    /// <summary>Registers this test process at the workload endpoint as <paramref name="spiffeId"/> (kernel-attested by uid and executable).</summary>
    public async Task RegisterThisProcessAsync(string spiffeId)
    {
        using var admin = Admin();
        await admin.CreateEntryAsync(spiffeId, [$"unix:uid:{ToolIdentity.CurrentUid()}", $"unix:path:{ToolIdentity.ExecutablePath()}"], null, null);
    }

    /// <summary>A JWT-SVID for <paramref name="spiffeId"/>, addressed to the broker.</summary>
    public string Svid(string spiffeId) => Workloads.CreateToken(spiffeId, Options.Issuer, TimeSpan.FromMinutes(10), null, Clock.GetUtcNow());

    /// <summary>A user's token naming their tenant.</summary>
    public string UserToken(string user = "alice", string tenant = "acme") =>
        Users.CreateToken(user, Options.Issuer, TimeSpan.FromMinutes(10), new Dictionary<string, object> { ["tenant"] = tenant }, Clock.GetUtcNow());

    /// <summary>A real credential from the broker's token endpoint.</summary>
    public async Task<string> CredentialAsync(ToolKind tool, string scope, string agent = ToolBroker.SupportAgent, string user = "alice", string tenant = "acme")
    {
        var issued = await new MandateClient(BrokerHttp).ExchangeAsync(new CredentialRequest
        {
            ActorToken = Svid(agent),
            SubjectToken = UserToken(user, tenant),
            Tool = tool.Resource,
            Scopes = scope.Split(' '),
        });
        return issued.AccessToken;
    }

    /// <summary>A run token (RFC 8693 exchange for a txn_token), which is not a tool credential.</summary>
    public async Task<string> RunTokenAsync(string agent = ToolBroker.SupportAgent)
    {
        using var response = await BrokerHttp.PostAsync("oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
            ["subject_token"] = UserToken(),
            ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["actor_token"] = Svid(agent),
            ["actor_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
            ["requested_token_type"] = "urn:ietf:params:oauth:token-type:txn_token",
            ["scope"] = "refunds:write",
        }));
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>A DPoP-bound credential (cnf.jkt of <paramref name="key"/>): the token request carries a proof for the broker's token endpoint.</summary>
    public async Task<string> DpopCredentialAsync(DpopProofs key, ToolKind tool, string scope)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:token-exchange",
                ["subject_token"] = UserToken(),
                ["subject_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
                ["actor_token"] = Svid(ToolBroker.SupportAgent),
                ["actor_token_type"] = "urn:ietf:params:oauth:token-type:jwt",
                ["resource"] = tool.Resource,
                ["scope"] = scope,
            }),
        };
        // htu is the token endpoint under the broker's issuer, as its metadata says (RFC 9449 §4.3 step 9).
        request.Headers.Add("DPoP", key.Create("POST", ToolBroker.Issuer + "/oauth2/token", Clock.GetUtcNow()));
        using var response = await BrokerHttp.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal("DPoP", json.RootElement.GetProperty("token_type").GetString());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>An SDK client for <paramref name="agent"/>, for runs.</summary>
    public MandateClient Agent(string agent) => new(BrokerHttp, WorkloadIdentity.From(_ => ValueTask.FromResult(Svid(agent))), Clock);

    /// <summary>The operator API.</summary>
    public MandateAdminClient Admin() => new(Options.AdminSocket);

    /// <summary>Re-signs <paramref name="credential"/>'s claims, edited, with the broker's active key (or <paramref name="key"/>).</summary>
    public string Forge(string credential, Action<Dictionary<string, object>> edit, string typ = "at+jwt", Microsoft.IdentityModel.Tokens.SigningCredentials? key = null) =>
        ForgedTokens.Resign(credential, edit, typ, key ?? Broker.Runtime.Keys.Current.Active.Credentials);

    public async ValueTask DisposeAsync()
    {
        foreach (var tool in _tools)
        {
            tool.Dispose();
        }

        foreach (var app in _tools.Select(t => t.App).Distinct())
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        BrokerHttp.Dispose();
        await Broker.DisposeAsync();
        Workloads.Dispose();
        Users.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
