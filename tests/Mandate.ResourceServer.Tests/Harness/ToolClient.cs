using System.Net.Http.Headers;
using System.Text;
using Mandate.Examples.Tools;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Mandate.ResourceServer.Tests.Harness;

/// <summary>Calls one running tool service over real HTTP.</summary>
public sealed class ToolClient : IDisposable
{
    private readonly HttpClient _http;

    public ToolClient(WebApplication app, HttpMessageHandler? handler = null)
    {
        App = app;
        _http = new HttpClient(handler ?? new SocketsHttpHandler()) { BaseAddress = app.Address(), Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The service's base address.</summary>
    public Uri Address => _http.BaseAddress!;

    public WebApplication App { get; }

    public void Dispose() => _http.Dispose();

    /// <summary>The handler's shared state (key and introspection caches), once a request has created it.</summary>
    internal MandateTokenState.Entry? State => App.Services.GetRequiredService<MandateTokenState>().Find(MandateTokenDefaults.AuthenticationScheme);

    public Task<ToolReply> GetAsync(string path, string? token, string scheme = "Bearer") => SendAsync(HttpMethod.Get, path, token, scheme, null);

    public Task<ToolReply> PostAsync(string path, string? token, string json, string scheme = "Bearer") => SendAsync(HttpMethod.Post, path, token, scheme, json);

    public async Task<ToolReply> SendAsync(HttpMethod method, string path, string? token, string scheme, string? json, Action<HttpRequestMessage>? edit = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {token}");
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        edit?.Invoke(request);
        using var response = await _http.SendAsync(request);
        return await ToolReply.ReadAsync(response);
    }
}
