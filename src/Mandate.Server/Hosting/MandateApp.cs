using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mandate.Server.Hosting;

/// <summary>A built broker: the web app and the runtime it owns. Dispose stops both.</summary>
public sealed class MandateApp : IAsyncDisposable
{
    public MandateApp(WebApplication app, MandateRuntime runtime)
    {
        App = app;
        Runtime = runtime;
    }

    public WebApplication App { get; }
    public MandateRuntime Runtime { get; }

    /// <summary>The bound TCP address (useful with port 0).</summary>
    public Uri BaseAddress => new(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
        .First(a => !a.Contains("unix:", StringComparison.Ordinal) && (ProxyListener.Address is not { } p || new Uri(a).Port != p.Port)));

    /// <summary>The egress proxy's listener (its <c>Address</c> is null when the proxy is disabled).</summary>
    public Proxy.ProxyListener ProxyListener { get; init; } = new();

    /// <summary>The web console on its own listener, or null when <c>console.listen</c> is not set.</summary>
    public WebApplication? Console { get; init; }

    /// <summary>The console's bound address (resolves port 0), or null when the console is disabled or not started.</summary>
    public Uri? ConsoleAddress { get; private set; }

    /// <summary>Held for the process's life: no second broker on this data directory.</summary>
    internal BrokerLock? Lock { get; init; }

    /// <summary>The loggers the runtime was opened with, disposed after it.</summary>
    internal Microsoft.Extensions.Logging.ILoggerFactory? RuntimeLoggers { get; init; }

    /// <summary>The Unix sockets this broker serves, published under their paths once bound.</summary>
    internal IReadOnlyList<(UnixSocketFile File, UnixFileMode Mode)> Sockets { get; init; } = [];

    internal string ListenUrl { get; init; } = "";

    /// <summary>
    /// Starts the host: its hosted services, then every listener; once bound, <see cref="MandateStartupService"/> publishes
    /// the sockets, writes the start-up audit records and lets requests in. A listener that cannot bind fails the start
    /// with one line saying what to do, and nothing is recorded.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        var gate = App.Services.GetRequiredService<StartupGate>();
        try
        {
            try
            {
                // The console first: if its port is taken, the broker has not started nor recorded anything.
                if (Console is not null)
                {
                    await Console.StartAsync(cancellationToken);
                    ConsoleAddress = Mandate.Server.Console.ConsoleHost.Address(Console);
                    App.Services.GetRequiredService<Mandate.Server.Console.ConsoleLoginCodes>().ListenerAddress = ConsoleAddress;
                }

                await App.StartAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A service that fails while the host starts stops it, which cancels the listeners' bind: report the cause.
                ThrowIfBackgroundServiceFailed();
                throw;
            }
            catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                // Another process took a port between the check at create and the bind: the same one line.
                var address = System.Text.RegularExpressions.Regex.Match(e.Message, @"address (\S+): ") is { Success: true } m ? m.Groups[1].Value : ListenUrl;
                throw new ListenerInUseException(address, e);
            }
        }
        catch (Exception e)
        {
            gate.Fail(e);
            throw;
        }
    }

    /// <summary>Throws <see cref="BackgroundServiceFailedException"/> when a background service's fault stopped the broker.</summary>
    public void ThrowIfBackgroundServiceFailed()
    {
        if (App.Services.GetServices<IHostedService>().OfType<BackgroundService>().FirstOrDefault(s => s.ExecuteTask is { IsFaulted: true }) is { } failed)
        {
            throw new BackgroundServiceFailedException(failed.GetType().Name, failed.ExecuteTask!.Exception!.GetBaseException());
        }
    }

    /// <summary>Completes when shutdown is requested (Ctrl+C, SIGTERM or <paramref name="cancellationToken"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => App.WaitForShutdownAsync(cancellationToken);

    /// <summary>Starts and serves until shutdown is requested (Ctrl+C, SIGTERM or <paramref name="cancellationToken"/>).</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken);
        await App.WaitForShutdownAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Console is not null)
        {
            await Console.StopAsync();
            await Console.DisposeAsync();
        }

        await App.StopAsync();
        await App.DisposeAsync();
        foreach (var (file, _) in Sockets)
        {
            file.DeleteIfOwned();
        }

        await Runtime.DisposeAsync();
        RuntimeLoggers?.Dispose();
        Lock?.Dispose();
    }
}
