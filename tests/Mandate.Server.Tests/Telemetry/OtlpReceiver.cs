using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>One OTLP/HTTP export as the receiver saw it.</summary>
public sealed record OtlpExport(string Path, string? ContentType, string? ApiKey, byte[] Body);

/// <summary>A tiny OTLP/HTTP receiver on 127.0.0.1: records every POST and answers 200 with an empty protobuf message.</summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpExport> _received = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public IReadOnlyList<OtlpExport> Received => [.. _received];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        _received.Enqueue(new OtlpExport(http.Request.Path.Value ?? "", http.Request.ContentType, http.Request.Headers["x-api-key"].FirstOrDefault(), body.ToArray()));
        http.Response.ContentType = "application/x-protobuf";
        http.Response.StatusCode = StatusCodes.Status200OK;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
