using System.Net.Sockets;
using System.Text;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// RFC 9112 §3.2.2: a server MUST accept the absolute-form. On the proxy's own origin it is the origin-form path, checked
/// and forwarded alike; any other origin is answered 421 (RFC 9110 §15.5.20) and never fetched: Mandate is no forward proxy.
/// </summary>
public sealed class ProxyAbsoluteFormTests : ProxyTest, IDisposable
{
    private const string Path = "/stripe/v1/charges/ch_1";

    private readonly DpopProofs _key = new();

    private string Origin => Broker.App.ProxyListener.Address!.GetLeftPart(UriPartial.Authority);

    private string Authority => Broker.App.ProxyListener.Address!.Authority;

    [Fact]
    public async Task Proxy_AbsoluteFormOnItsOwnOrigin_ForwardedOnceAndAudited()
    {
        var credential = await StripeCredentialAsync();

        var text = await SendAsync($"GET {Origin}{Path} HTTP/1.1\r\nHost: {Authority}\r\nAuthorization: Bearer {credential}\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", text, StringComparison.Ordinal);
        Assert.Equal("/stripe-api/v1/charges/ch_1", Assert.Single(Upstream.Received).Target);
        var call = Assert.Single(await Broker.AuditEventsAsync(EgressAuditKinds.ProxyCall));
        Assert.Equal(("forwarded", "200"), (call.Outcome, call.Evidence["status"]));
    }

    [Fact]
    public async Task Proxy_AbsoluteFormOnItsOwnOriginWithDpop_HtuIsTheTargetUri()
    {
        // RFC 9449 §4.3: htu is the target URI, which the absolute-form names (RFC 9110 §7.1).
        var credential = await BoundCredentialAsync();
        var proof = _key.Create("GET", Origin + Path, Broker.Now, accessToken: credential);

        var text = await SendAsync($"GET {Origin}{Path} HTTP/1.1\r\nHost: {Authority}\r\nAuthorization: DPoP {credential}\r\nDPoP: {proof}\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", text, StringComparison.Ordinal);
        Assert.Single(Upstream.Received);
    }

    [Theory]
    [InlineData("http://upstream.example{0}", "upstream.example")]
    [InlineData("http://localhost:{2}{0}", "localhost:{2}")]
    [InlineData("https://{1}{0}", "{1}")]
    [InlineData("http://127.0.0.2:{2}{0}", "127.0.0.2:{2}")]
    public async Task Proxy_AbsoluteFormNamingAnotherOrigin_421NothingForwardedNoCallAudited(string target, string host)
    {
        // RFC 9110 §15.5.20; https vs http is another origin too (RFC 9110 §4.3.1), as is another host or port.
        var credential = await StripeCredentialAsync();
        var port = Broker.App.ProxyListener.Address!.Port;
        string Fill(string s) => string.Format(System.Globalization.CultureInfo.InvariantCulture, s, Path, Authority, port);

        var text = await SendAsync($"GET {Fill(target)} HTTP/1.1\r\nHost: {Fill(host)}\r\nAuthorization: Bearer {credential}\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 421 ", text, StringComparison.Ordinal);
        Assert.Contains("\"check_id\":\"proxy.target_misdirected\"", text, StringComparison.Ordinal);
        Assert.Equal(0, Upstream.Started);
        Assert.Empty(await Broker.AuditEventsAsync(EgressAuditKinds.ProxyCall));
    }

    [Fact]
    public async Task Proxy_AbsoluteFormWithUserinfo_400NothingForwarded()
    {
        // RFC 9110 §4.2.4: userinfo in an http URI from an untrusted source is treated as an error.
        var credential = await StripeCredentialAsync();

        var text = await SendAsync($"GET http://a@{Authority}{Path} HTTP/1.1\r\nHost: {Authority}\r\nAuthorization: Bearer {credential}\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400 ", text, StringComparison.Ordinal);
        Assert.Equal(0, Upstream.Started);
    }

    public void Dispose() => _key.Dispose();

    private async Task<string> BoundCredentialAsync()
    {
        var exchange = Broker.RefundRequest() with { Resource = ProxyTestBroker.Stripe, Scope = "charges:read" };
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token") { Content = new FormUrlEncodedContent(exchange.ToForm()) };
        request.Headers.Add("DPoP", _key.Create("POST", Broker.Options.Issuer.TrimEnd('/') + "/oauth2/token", Broker.Now));
        return Expect.Issued(await Broker.SendAsync(request));
    }

    private async Task<string> SendAsync(string request)
    {
        var address = Broker.App.ProxyListener.Address!;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }
}
