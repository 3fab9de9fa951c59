using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Mandate.Bench.Cluster;

/// <summary>The three protocol calls of the probe, each on its own node's keep-alive connection.</summary>
internal sealed class BrokerCalls : IDisposable
{
    private const string FormType = "application/x-www-form-urlencoded";
    private readonly HttpClient _exchange;
    private readonly HttpClient _revoke;
    private readonly HttpClient _introspect;
    private readonly ProbeOptions _options;

    public BrokerCalls(ProbeOptions options)
    {
        _options = options;
        _exchange = Client(options.Exchange);
        _revoke = Client(options.Revoke);
        _introspect = Client(options.Introspect);
    }

    /// <summary>A token exchange on the issuing node; the access token, or an exception naming the status.</summary>
    public async Task<string> ExchangeAsync(CancellationToken ct)
    {
        using var content = new StringContent(_options.ExchangeBody, Encoding.UTF8, FormType);
        using var response = await _exchange.PostAsync("oauth2/token", content, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"exchange on {_options.Exchange}: HTTP {(int)response.StatusCode} {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>RFC 7009 revocation on the revoking node, authenticated as the tool; returns when acknowledged.</summary>
    public async Task RevokeAsync(string token, CancellationToken ct)
    {
        using var request = Form(_options.Revoke, "oauth2/revoke", token);
        using var response = await _revoke.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"revoke on {_options.Revoke}: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    /// <summary>RFC 7662 introspection on the polled node: whether it answers <c>active: true</c>.</summary>
    public async Task<bool> IsActiveAsync(string token, CancellationToken ct)
    {
        using var request = Form(_options.Introspect, "oauth2/introspect", token);
        using var response = await _introspect.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"introspect on {_options.Introspect}: HTTP {(int)response.StatusCode} {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("active").GetBoolean();
    }

    /// <summary>Milliseconds since a <see cref="Stopwatch.GetTimestamp"/> value.</summary>
    public static double Since(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;

    public void Dispose()
    {
        _exchange.Dispose();
        _revoke.Dispose();
        _introspect.Dispose();
    }

    private HttpRequestMessage Form(Uri node, string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node, path))
        {
            Content = new StringContent("token=" + Uri.EscapeDataString(token) + "&token_type_hint=access_token", Encoding.UTF8, FormType),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ToolToken);
        return request;
    }

    private static HttpClient Client(Uri node) => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseProxy = false,
    })
    {
        BaseAddress = node,
        Timeout = TimeSpan.FromSeconds(15),
    };
}
