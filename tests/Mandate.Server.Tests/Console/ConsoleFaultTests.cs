using System.Net;
using Mandate.Core.Storage;
using Mandate.Server.Console;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Tests.Console;

/// <summary>
/// The console's answer when a page cannot be served, in its pipeline order: a store outage is a 503 page with
/// Retry-After and a fault a 500 page, both with the console's security headers; never a bare status.
/// </summary>
public sealed class ConsoleFaultTests : IAsyncLifetime, IDisposable
{
    private WebApplication? _app;
    private HttpClient? _client;

    private HttpClient Client => _client!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.UseConsoleSecurityHeaders(null);
        app.UseConsoleFaults();
        app.MapGet("/runs", () => { throw new StoreUnavailableException("the store cannot be opened or reached"); });
        app.MapGet("/policy", () => { throw new InvalidOperationException("a fault"); });
        await app.StartAsync();
        _app = app;
        _client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    public void Dispose() => _client?.Dispose();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task StoreOutage_WhileReadingAPage_Is503PageWithRetryAfter()
    {
        using var reply = await Client.GetAsync("/runs");
        var html = await reply.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, reply.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), reply.Headers.RetryAfter?.Delta);
        Assert.Equal("text/html", reply.Content.Headers.ContentType?.MediaType);
        Assert.Contains("nothing was read or changed; reload the page in a moment", html, StringComparison.Ordinal);
        Assert.True(reply.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task Fault_WhileReadingAPage_Is500PageWithoutTheDetail()
    {
        using var reply = await Client.GetAsync("/policy");
        var html = await reply.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, reply.StatusCode);
        Assert.Equal("text/html", reply.Content.Headers.ContentType?.MediaType);
        Assert.Contains("log has the detail", html, StringComparison.Ordinal);
        Assert.DoesNotContain("a fault", html, StringComparison.Ordinal);
        Assert.True(reply.Headers.Contains("Content-Security-Policy"));
    }
}
