using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Core.Tests.Attestation;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, port 0) serving one JWKS document at <see cref="Url"/>.
/// Counts requests; can answer 500, or hold requests until released so a test can act mid-fetch.
/// </summary>
internal sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile string _jwks;
    private volatile bool _failing;
    private volatile TaskCompletionSource? _gate;
    private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _requests;

    private JwksServer(string jwks)
    {
        _jwks = jwks;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapGet("/jwks", ServeAsync);
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>How many requests the server has received.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The document served from now on.</summary>
    public string Jwks
    {
        get => _jwks;
        set => _jwks = value;
    }

    /// <summary>When true, requests get HTTP 500.</summary>
    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    public static async Task<JwksServer> StartAsync(string jwks, CancellationToken cancellationToken)
    {
        var server = new JwksServer(jwks);
        await server._app.StartAsync(cancellationToken);
        var address = server._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.Url = new Uri(new Uri(address), "/jwks");
        return server;
    }

    /// <summary>Holds every request from now on until the returned source is completed.</summary>
    public TaskCompletionSource HoldRequests()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _gate = gate;
        return gate;
    }

    /// <summary>Completes once the first request has arrived.</summary>
    public Task FirstRequest => _requested.Task;

    public async ValueTask DisposeAsync()
    {
        _gate?.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ServeAsync()
    {
        Interlocked.Increment(ref _requests);
        _requested.TrySetResult();
        if (_gate is { } gate)
        {
            await gate.Task;
        }

        return _failing ? Results.StatusCode(500) : Results.Text(_jwks, "application/json");
    }
}
