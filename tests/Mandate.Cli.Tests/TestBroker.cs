using Mandate.Core.Configuration;
using Mandate.Server.Hosting;

namespace Mandate.Cli.Tests;

/// <summary>A real broker on 127.0.0.1 (port 0) for CLI tests that reach it over its admin socket.</summary>
internal static class TestBroker
{
    public static MandateHostOptions Options(string? proxyUrl = null, TimeSpan? storeBusyTimeout = null) => new()
    {
        ListenUrl = "http://127.0.0.1:0",
        ProxyListenUrl = proxyUrl,
        GetEnvironment = _ => null,
        WatchPolicy = false,
        StoreBusyTimeout = storeBusyTimeout ?? new MandateHostOptions().StoreBusyTimeout,
        LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
    };

    public static async Task<MandateApp> StartAsync(string configPath, TimeSpan? storeBusyTimeout = null)
    {
        var app = await MandateServer.CreateAsync(ConfigLoader.LoadFile(configPath), Options(storeBusyTimeout: storeBusyTimeout));
        await app.StartAsync();
        return app;
    }
}
