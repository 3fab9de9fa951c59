using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Proxy;

/// <summary>A fresh upstream, a broker with the proxy enabled, and the stripe secret vaulted through the admin API.</summary>
public abstract class ProxyTest : IAsyncLifetime
{
    /// <summary>The vaulted key. Random per test so a leak cannot be a coincidence of fixed text.</summary>
    protected string Secret { get; } = "vendor_key_" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    protected UpstreamServer Upstream { get; private set; } = null!;

    protected BrokerHarness Broker { get; private set; } = null!;

    protected HttpClient Proxy { get; private set; } = null!;

    protected virtual string Policy => ProxyTestBroker.Policy;

    protected virtual string Configuration(Uri upstream) => ProxyTestBroker.Configuration(upstream);

    public async Task InitializeAsync()
    {
        Upstream = await UpstreamServer.StartAsync();
        Broker = await BrokerHarness.StartAsync(Policy, configuration: Configuration(Upstream.Address));
        Proxy = new HttpClient { BaseAddress = Broker.App.ProxyListener.Address, Timeout = TimeSpan.FromSeconds(30) };
        using var admin = Broker.Admin();
        await admin.SetSecretAsync("stripe", Encoding.UTF8.GetBytes(Secret));
    }

    public async Task DisposeAsync()
    {
        Proxy?.Dispose();
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }

        if (Upstream is not null)
        {
            await Upstream.DisposeAsync();
        }
    }

    /// <summary>A credential for the stripe tool, issued by a real exchange for alice's support agent.</summary>
    protected Task<string> StripeCredentialAsync(string scope = "charges:read") =>
        Broker.IssueAsync(Broker.RefundRequest() with { Resource = ProxyTestBroker.Stripe, Scope = scope });

    protected async Task<HttpResponseMessage> CallAsync(HttpMethod method, string path, string? credential, HttpContent? content = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (credential is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        configure?.Invoke(request);
        return await Proxy.SendAsync(request);
    }

    /// <summary>Sends bytes exactly as written (HttpClient would normalize dot segments away) and returns the status and response text.</summary>
    protected async Task<(int Status, string Text)> RawAsync(string target, string? credential, string extraHeaders = "", string connection = "close", string host = "proxy", string method = "GET", string body = "")
    {
        var address = Broker.App.ProxyListener.Address!;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        await using var stream = tcp.GetStream();
        var auth = credential is null ? "" : $"Authorization: Bearer {credential}\r\n";
        var bytes = Encoding.ASCII.GetBytes($"{method} {target} HTTP/1.1\r\nHost: {host}\r\n{auth}{extraHeaders}Connection: {connection}\r\n\r\n{body}");
        await stream.WriteAsync(bytes);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var status = int.Parse(text.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, text);
    }

    /// <summary>Everything an agent or operator could see: audit rows, logs, the admin list.</summary>
    protected async Task AssertSecretNowhereAsync(params string[] alsoSeen)
    {
        Assert.DoesNotContain(Secret, await Broker.AuditTableTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, Broker.Logs.Text, StringComparison.Ordinal);
        using var admin = Broker.Admin();
        Assert.DoesNotContain(Secret, (await admin.ListSecretsAsync()).GetRawText(), StringComparison.Ordinal);
        foreach (var text in alsoSeen)
        {
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        }
    }

    /// <summary>The refusal's stable check id (the problem's <c>check_id</c> member).</summary>
    protected static string? CheckId(string problem)
    {
        using var json = System.Text.Json.JsonDocument.Parse(problem);
        return json.RootElement.TryGetProperty("check_id", out var id) ? id.GetString() : null;
    }

    protected static async Task<string> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return body;
    }
}
