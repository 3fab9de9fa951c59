using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Mandate.Server.Tests.Mcp;

/// <summary>
/// RFC 9112 §3.2.2 at the MCP gateway: a client configured to use the gateway as its HTTP proxy sends absolute-form
/// targets. On the gateway's own origin they reach the endpoint and the metadata as the origin-form does; another origin
/// is 421 (RFC 9110 §15.5.20) and never fetched.
/// </summary>
public sealed class McpGatewayAbsoluteFormTests : McpGatewayTest
{
    [Fact]
    public async Task Post_AbsoluteFormOnTheGatewaysOrigin_IsForwardedOnce()
    {
        var credential = await Gateway.CredentialAsync();
        using var client = ThroughGateway();

        using var response = await client.SendAsync(Post(Gateway.Endpoint(), credential));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(Gateway.Upstream.Received);
    }

    [Fact]
    public async Task Metadata_AbsoluteFormOnTheGatewaysOrigin_IsServed()
    {
        using var client = ThroughGateway();

        using var response = await client.GetAsync(new Uri(Gateway.Proxy, "/.well-known/oauth-protected-resource/" + McpGatewayHarness.Payments));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Gateway.Endpoint().ToString(), await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_AbsoluteFormNamingAnotherOrigin_Returns421NothingForwarded()
    {
        var credential = await Gateway.CredentialAsync();
        using var client = ThroughGateway();

        using var response = await client.SendAsync(Post(new Uri("http://payments.example/" + McpGatewayHarness.Payments), credential));

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        Assert.Contains("proxy.target_misdirected", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(Gateway.Upstream.Received);
    }

    // Every request through the gateway as an HTTP proxy, loopback too (BypassProxyOnLocal is off), so the client writes
    // absolute-form.
    private HttpClient ThroughGateway() =>
        new(new SocketsHttpHandler { Proxy = new WebProxy(Gateway.Proxy) { BypassProxyOnLocal = false }, UseProxy = true }) { Timeout = TimeSpan.FromSeconds(30) };

    private static HttpRequestMessage Post(Uri target, string credential)
    {
        var body = Request("tools/list");
        var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        foreach (var (name, value) in ModernHeaders(body))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
