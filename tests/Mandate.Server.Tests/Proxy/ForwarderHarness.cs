using System.Collections.Concurrent;
using Mandate.Core.Configuration;
using Mandate.Server.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// <see cref="ProxyForwarder"/> alone between a real client and a tiny in-test upstream, both on Kestrel at
/// 127.0.0.1:0: every call goes to the upstream's handler as the test's <see cref="ProxyUpstreamCall"/> says
/// (buffered body, response filter), and refusals are answered and cut-offs done as the egress proxy does.
/// </summary>
internal sealed class ForwarderHarness : IAsyncDisposable
{
    public const string Secret = "harness_key_0123456789abcdef";
    public const string InjectHeader = "X-Api-Key";
    private readonly WebApplication _upstream;
    private readonly WebApplication _front;
    private readonly ServiceProvider _services;
    private readonly ProxyForwarder _forwarder;
    private readonly ConcurrentQueue<ProxyCall> _calls = new();

    private ForwarderHarness(WebApplication upstream, WebApplication front, ServiceProvider services, ProxyForwarder forwarder) =>
        (_upstream, _front, _services, _forwarder) = (upstream, front, services, forwarder);

    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The calls the forwarder finished, as EgressProxy would audit them.</summary>
    public IReadOnlyList<ProxyCall> Calls => [.. _calls];

    public Uri Address => Listening(_front);

    public static async Task<ForwarderHarness> StartAsync(RequestDelegate upstream, Func<ProxyUpstreamCall, ProxyUpstreamCall> shape, ProxyOptions? options = null)
    {
        var upstreamApp = Kestrel();
        upstreamApp.Run(upstream);
        await upstreamApp.StartAsync();

        var services = new ServiceCollection().AddLogging().AddHttpForwarder().BuildServiceProvider();
        var mandate = new MandateOptions { Proxy = options ?? new ProxyOptions() };
        var forwarder = new ProxyForwarder(services.GetRequiredService<IHttpForwarder>(), mandate, TimeProvider.System);
        var front = Kestrel();
        var harness = new ForwarderHarness(upstreamApp, front, services, forwarder);
        var target = new Uri(Listening(upstreamApp), "/mcp");
        front.Run(http => harness.ForwardAsync(http, shape(new ProxyUpstreamCall(target, InjectHeader, Secret, mandate.Proxy.MaxRequestBody))));
        await front.StartAsync();
        return harness;
    }

    /// <summary>The forwarder in front of a raw-socket upstream, which answers every call with its scripted bytes.</summary>
    public static Task<ForwarderHarness> InFrontOfAsync(RawUpstream upstream) =>
        StartAsync(_ => Task.CompletedTask, call => call with { Uri = upstream.Uri("/mcp") });

    private async Task ForwardAsync(HttpContext http, ProxyUpstreamCall upstream)
    {
        var call = new ProxyCall { Method = http.Request.Method, Started = DateTimeOffset.UtcNow };
        try
        {
            if (await _forwarder.ForwardAsync(http, call, upstream, new SecretScrubber(Secret)) is { } refusal)
            {
                (call.Refusal, call.Status) = (refusal, refusal.Status);
                if (!http.Response.HasStarted && refusal.Status != 499)
                {
                    await ProxyProblem.WriteAsync(http, refusal);
                }
            }
        }
        finally
        {
            _calls.Enqueue(call);
            if (call.CutOff)
            {
                http.Abort();
            }
        }
    }

    private static WebApplication Kestrel()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        return builder.Build();
    }

    private static Uri Listening(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        foreach (var app in new[] { _front, _upstream })
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        _forwarder.Dispose();
        await _services.DisposeAsync();
    }
}
