using Mandate.Client;
using Mandate.Core.Configuration;
using Mandate.Core.Development;
using Mandate.Server.Hosting;
using Mandate.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Mandate.Examples.Mcp.Tests.Harness;

/// <summary>
/// A real broker (Kestrel on 127.0.0.1:0, SQLite in a temp folder, manual clock) and the example payments MCP server
/// on 127.0.0.1, whose URL is its resource at the broker. Dispose stops both and deletes the folder.
/// </summary>
public sealed class McpHarness : IAsyncDisposable
{
    private McpHarness(string directory, MandateOptions options, ManualTimeProvider clock, MandateApp broker, WebApplication server, string resource)
    {
        Directory = directory;
        Options = options;
        Clock = clock;
        Broker = broker;
        Server = server;
        Resource = resource;
        BrokerHttp = new HttpClient { BaseAddress = broker.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        ServerHttp = new HttpClient { BaseAddress = server.Address(), Timeout = TimeSpan.FromSeconds(30) };
        Workloads = DevIssuer.Ensure(options.Issuers[0], options.DataDirectory);
        Users = DevIssuer.Ensure(options.Issuers[1], options.DataDirectory);
    }

    public string Directory { get; }
    public MandateOptions Options { get; }

    /// <summary>The broker's issuer, which is also where it listens.</summary>
    public string Issuer => Options.Issuer;
    public ManualTimeProvider Clock { get; }
    public MandateApp Broker { get; }
    public WebApplication Server { get; }

    /// <summary>The MCP endpoint, which is also the resource (audience) its credentials carry.</summary>
    public string Resource { get; }

    public Uri ServerAddress => Server.Address();
    public HttpClient BrokerHttp { get; }

    /// <summary>Plain HTTP to the MCP server, for requests no MCP client would send.</summary>
    public HttpClient ServerHttp { get; }
    public DevIssuer Workloads { get; }
    public DevIssuer Users { get; }

    /// <summary>Starts both; the clock starts at <paramref name="clockStart"/> (a fixed day unless given).</summary>
    public static async Task<McpHarness> StartAsync(DateTimeOffset? clockStart = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortsAsync(clockStart);
            }
            catch (IOException e) when (attempt < 5 && (e is ListenerInUseException || e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException))
            {
                // A port was taken between the probe and the bind: try others.
            }
        }
    }

    private static async Task<McpHarness> StartOnFreePortsAsync(DateTimeOffset? clockStart)
    {
        var directory = Path.Combine(Path.GetTempPath(), "mmcp-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        MandateApp? broker = null;
        WebApplication? server = null;
        try
        {
            // Both addresses are in the broker's configuration (its issuer, the tool's resource), so ports are chosen first;
            // the issuer is the broker's real address because MCP clients discover it and call it.
            var issuer = $"http://127.0.0.1:{LoopbackPort.Free()}";
            var url = $"http://127.0.0.1:{LoopbackPort.Free()}";
            var resource = url + "/mcp";
            await File.WriteAllTextAsync(Path.Combine(directory, "policy.yaml"), McpBroker.Policy);
            await File.WriteAllTextAsync(Path.Combine(directory, "mandate.yaml"), McpBroker.Configuration(issuer, resource));
            var options = ConfigLoader.LoadFile(Path.Combine(directory, "mandate.yaml"));
            var clock = clockStart is { } start ? new ManualTimeProvider(start) : new ManualTimeProvider();
            broker = await MandateServer.CreateAsync(options, new MandateHostOptions
            {
                ListenUrl = issuer,
                Time = clock,
                GetEnvironment = _ => null,
                WatchPolicy = false,
                LogLevel = LogLevel.Warning,
            });
            await broker.StartAsync();
            server = PaymentsMcpServer.Build(new PaymentsMcpOptions
            {
                Url = url,
                Resource = resource,
                Issuer = issuer,
                Time = clock,
            }, LogLevel.Warning);
            await server.StartAsync();
            return new McpHarness(directory, options, clock, broker, server, resource);
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            if (broker is not null)
            {
                await broker.DisposeAsync();
            }

            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>A JWT-SVID for <paramref name="spiffeId"/>, addressed to the broker.</summary>
    public string Svid(string spiffeId) => Workloads.CreateToken(spiffeId, Options.Issuer, TimeSpan.FromMinutes(10), null, Clock.GetUtcNow());

    /// <summary>A user's token naming their tenant.</summary>
    public string UserToken(string user = "alice", string tenant = "acme") =>
        Users.CreateToken(user, Options.Issuer, TimeSpan.FromMinutes(10), new Dictionary<string, object> { ["tenant"] = tenant }, Clock.GetUtcNow());

    /// <summary>A real credential from the broker's token endpoint (RFC 8693 exchange).</summary>
    public async Task<string> CredentialAsync(string scope, string agent = McpBroker.SupportAgent, string? resource = null)
    {
        var issued = await new MandateClient(BrokerHttp).ExchangeAsync(new CredentialRequest
        {
            ActorToken = Svid(agent),
            SubjectToken = UserToken(),
            Tool = resource ?? Resource,
            Scopes = scope.Split(' '),
        });
        return issued.AccessToken;
    }

    /// <summary>An SDK client for <paramref name="agent"/>, for runs.</summary>
    public MandateClient Agent(string agent) => new(BrokerHttp, WorkloadIdentity.From(_ => ValueTask.FromResult(Svid(agent))), Clock);

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync();
        await Server.DisposeAsync();
        BrokerHttp.Dispose();
        ServerHttp.Dispose();
        await Broker.DisposeAsync();
        Workloads.Dispose();
        Users.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
