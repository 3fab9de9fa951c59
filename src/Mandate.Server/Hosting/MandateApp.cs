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

    public Task StartAsync(CancellationToken cancellationToken = default) => App.StartAsync(cancellationToken);

    /// <summary>Completes when shutdown is requested (Ctrl+C, SIGTERM or <paramref name="cancellationToken"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => App.WaitForShutdownAsync(cancellationToken);

    /// <summary>Starts and serves until shutdown is requested (Ctrl+C, SIGTERM or <paramref name="cancellationToken"/>).</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        await App.StartAsync(cancellationToken);
        await App.WaitForShutdownAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Runtime.DisposeAsync();
    }
}
