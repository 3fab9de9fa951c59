using System.Net;
using System.Net.Sockets;
using Mandate.Examples.Mcp;
using Mandate.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Mandate.Examples.Demo;

/// <summary>
/// The demo's broker (with its egress proxy as the MCP gateway) and the example payments MCP server behind it, all on
/// 127.0.0.1. The proxy and MCP ports are named in the configuration before anything starts, so they are probed free;
/// another process may take one between the probe and the bind, so a few sets of ports are tried.
/// </summary>
internal sealed class DemoBroker : IAsyncDisposable
{
    private const int Attempts = 5;

    private DemoBroker(DemoEnvironment env, MandateApp app, WebApplication paymentsMcp)
    {
        Env = env;
        App = app;
        PaymentsMcp = paymentsMcp;
    }

    public DemoEnvironment Env { get; }

    public MandateApp App { get; }

    /// <summary>The example payments MCP server (examples/mcp), accepting only Mandate credentials for its own URL.</summary>
    public WebApplication PaymentsMcp { get; }

    public static async Task<DemoBroker> StartAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var proxy = new Uri($"http://127.0.0.1:{FreePort()}/");
            var mcpPort = FreePort();
            var mcp = new Uri($"http://127.0.0.1:{mcpPort}/mcp");
            var env = DemoEnvironment.Create(proxy, mcp);
            MandateApp? app = null;
            WebApplication? payments = null;
            try
            {
                app = await MandateServer.CreateAsync(env.Options, new MandateHostOptions
                {
                    ListenUrl = "http://127.0.0.1:0",
                    LogLevel = LogLevel.Warning,
                    WatchPolicy = false,
                }, ct);
                await app.StartAsync(ct);
                payments = PaymentsMcpServer.Build(new PaymentsMcpOptions
                {
                    Url = $"http://127.0.0.1:{mcpPort}",
                    Resource = mcp.ToString(),
                    Issuer = env.Options.Issuer,
                    BrokerAddress = app.BaseAddress,
                }, LogLevel.Warning);
                await payments.StartAsync(ct);
                return new DemoBroker(env, app, payments);
            }
            catch (IOException e) when (attempt < Attempts && (e is ListenerInUseException || e.InnerException is AddressInUseException))
            {
                // A probed port was taken before it was bound: start over with new ports in a new folder.
                await StopAsync(env, app, payments);
            }
            catch
            {
                await StopAsync(env, app, payments);
                throw;
            }
        }
    }

    public ValueTask DisposeAsync() => StopAsync(Env, App, PaymentsMcp);

    private static async ValueTask StopAsync(DemoEnvironment env, MandateApp? app, WebApplication? payments)
    {
        if (payments is not null)
        {
            await payments.DisposeAsync();
        }

        if (app is not null)
        {
            await app.DisposeAsync();
        }

        env.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
