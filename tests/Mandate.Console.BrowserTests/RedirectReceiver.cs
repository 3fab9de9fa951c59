using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mandate.Console.BrowserTests;

/// <summary>
/// The relying party's redirect URI for the provider tests: a real listener on 127.0.0.1 that records each query the
/// provider sends back.
/// </summary>
public sealed class RedirectReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<IReadOnlyDictionary<string, string>> _received = Channel.CreateUnbounded<IReadOnlyDictionary<string, string>>();

    private RedirectReceiver(WebApplication app) => _app = app;

    public Uri RedirectUri { get; private set; } = null!;

    public static async Task<RedirectReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var receiver = new RedirectReceiver(builder.Build());
        receiver._app.MapGet("/signin-callback", (HttpRequest request) =>
        {
            receiver._received.Writer.TryWrite(request.Query.ToDictionary(p => p.Key, p => p.Value.ToString()));
            return Results.Text("received");
        });
        await receiver._app.StartAsync();
        receiver.RedirectUri = new Uri(receiver._app.Urls.Single() + "/signin-callback");
        return receiver;
    }

    /// <summary>The next query received, waiting at most 15 s.</summary>
    public async Task<IReadOnlyDictionary<string, string>> NextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        return await _received.Reader.ReadAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
