using System.Net;
using System.Text.Json;
using Mandate.Core.Configuration;
using Mandate.Core.Storage;
using Mandate.Server.Endpoints;
using Mandate.Server.Http;
using Mandate.Server.Proxy;
using Mandate.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Tests.Storage;

/// <summary>
/// <see cref="StoreOutages"/> in the broker's pipeline order (inside the exception handler, and in the proxy's
/// branch): a store outage escaping any endpoint family is a 503 with check id <c>store.unavailable</c> in that
/// family's shape, with Retry-After, never a 500, and no stack trace in the log.
/// </summary>
public sealed class StoreOutageAnswerTests : IAsyncLifetime, IDisposable
{
    private readonly CapturedLogs _logs = new();
    private WebApplication? _app;
    private HttpClient? _broker;
    private HttpClient? _proxy;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(_logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        var proxy = new ProxyListener();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            proxy.Listen(k, new ProxyOptions { Listen = "http://127.0.0.1:0" }, new LimitOptions(), null);
        });
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        app.MapWhen(ProxyListener.IsProxyConnection, branch =>
        {
            branch.UseStoreOutages();
            branch.Run(_ => throw Outage());
        });
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = http => { http.Response.StatusCode = 500; return Task.CompletedTask; } });
        app.UseStoreOutages();
        RequestDelegate fails = _ => throw Outage();
        app.MapPost(TokenEndpoint.Path, fails);
        app.MapPost(IntrospectionEndpoint.Path, fails);
        app.MapPost(RevocationEndpoint.Path, fails);
        app.MapPost(EvidenceEndpoint.Path, fails);
        app.MapPost("/admin/approvals/{id}/approve", fails);
        await app.StartAsync();
        _app = app;
        var address = app.Urls.First(u => proxy.Address is null || !u.EndsWith($":{proxy.Address.Port}", StringComparison.Ordinal));
        _broker = new HttpClient { BaseAddress = new Uri(address) };
        _proxy = new HttpClient { BaseAddress = proxy.Address };
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _broker?.Dispose();
        _proxy?.Dispose();
        _logs.Dispose();
    }

    [Theory]
    [InlineData(TokenEndpoint.Path, "nothing was issued")]
    [InlineData(IntrospectionEndpoint.Path, "treat the token as inactive")]
    [InlineData(RevocationEndpoint.Path, "could not be made durable")]
    [InlineData(EvidenceEndpoint.Path, "could not be recorded")]
    public async Task StoreOutages_OAuthEndpoint_503TemporarilyUnavailableWithCheckId(string path, string guidance)
    {
        using var response = await _broker!.PostAsync(path.TrimStart('/'), new FormUrlEncodedContent([new("token", "x")]));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        using var json = JsonDocument.Parse(body);
        Assert.Equal("temporarily_unavailable", json.RootElement.GetProperty("error").GetString());
        Assert.Equal(StoreChecks.Unavailable.Id, json.RootElement.GetProperty("check_id").GetString());
        Assert.Contains(guidance, json.RootElement.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreOutages_AdminEndpoint_503ProblemDetailsWithCheckId()
    {
        using var response = await _broker!.PostAsync("admin/approvals/areq_1/approve", new StringContent("{}"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        using var json = JsonDocument.Parse(body);
        Assert.Equal("store unavailable", json.RootElement.GetProperty("title").GetString());
        Assert.Equal(StoreChecks.Unavailable.Id, json.RootElement.GetProperty("check_id").GetString());
        Assert.Equal(503, json.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task StoreOutages_ProxiedCall_503InTheProxysRefusalShapeWithCheckId()
    {
        using var response = await _proxy!.GetAsync("stripe/v1/charges");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("https://mandate.dev/problems/proxy", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("proxy unavailable", json.RootElement.GetProperty("title").GetString());
        Assert.Equal(StoreChecks.Unavailable.Id, json.RootElement.GetProperty("check_id").GetString());
    }

    [Fact]
    public async Task StoreOutages_ManyRefusedRequests_LoggedAtDebugWithoutStackTraces()
    {
        for (var i = 0; i < 3; i++)
        {
            using var response = await _broker!.PostAsync(TokenEndpoint.Path.TrimStart('/'), new FormUrlEncodedContent([]));
            Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        Assert.Equal(3, _logs.Lines.Count(l => l.StartsWith("Debug Mandate.Server.Http.StoreOutages:", StringComparison.Ordinal)));
        Assert.DoesNotContain(_logs.Lines, l => l.Contains(nameof(StoreUnavailableException), StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal));
    }

    private static StoreUnavailableException Outage() => new("the store is locked by another process", StoreFailureCause.Locked);
}
