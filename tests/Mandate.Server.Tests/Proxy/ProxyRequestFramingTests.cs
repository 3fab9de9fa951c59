using System.Net.Sockets;
using System.Text;
using Mandate.Core.Audit;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// Requests framed or targeted in ways a plain HTTP client never sends (RFC 9112): written byte for byte on a raw
/// connection, so nothing normalises them before the proxy sees them.
/// </summary>
public sealed class ProxyRequestFramingTests : ProxyTest
{
    // A rule that allows any method on one path: the allow-list alone does not keep CONNECT out.
    protected override string Policy => ProxyTestBroker.Policy.Replace("- GET /v1/files/**", "- GET /v1/files/**\n      - \"* /v1/any\"", StringComparison.Ordinal);

    [Theory]
    [InlineData("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\nContent-Length: 0\r\n")]
    public async Task Proxy_ContentLengthWithTransferEncoding_400NothingForwardedAuditedRefused(string framing)
    {
        // RFC 9112 §6.1: a possible smuggling attempt; a server MAY reject it, an intermediary MUST NOT forward the length.
        var credential = await StripeCredentialAsync("refunds:write");

        var text = await SendAsync($"POST /stripe/v1/refunds HTTP/1.1\r\nHost: proxy\r\nAuthorization: Bearer {credential}\r\n{framing}\r\n5\r\nhello\r\n0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400 ", text, StringComparison.Ordinal);
        Assert.Contains("\"check_id\":\"proxy.content_length_with_transfer_encoding\"", text, StringComparison.Ordinal);
        Assert.Contains("Connection: close", text, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Upstream.Received);
        var refused = Assert.Single(await Broker.AuditEventsAsync(EgressAuditKinds.ProxyCall));
        Assert.Equal(("refused", "400", "proxy.content_length_with_transfer_encoding"), (refused.Outcome, refused.Evidence["status"], refused.Evidence["check_id"]));
    }

    [Theory]
    [InlineData("gzip, chunked")]
    [InlineData("chunked, chunked")]
    public async Task Proxy_TransferCodingOtherThanChunkedAlone_400BeforeTheToolSeesTheRequest(string codings)
    {
        // RFC 9112 §6.1: no coding but a single chunked is decoded; the header says so, so the tool must not even get the head.
        var credential = await StripeCredentialAsync();

        var text = await SendAsync($"POST /stripe/v1/any HTTP/1.1\r\nHost: proxy\r\nAuthorization: Bearer {credential}\r\nTransfer-Encoding: {codings}\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400 ", text, StringComparison.Ordinal);
        Assert.Contains("\"check_id\":\"proxy.body_malformed\"", text, StringComparison.Ordinal);
        Assert.Equal(0, Upstream.Started);
    }

    [Fact]
    public async Task Proxy_Http10WithTransferEncoding_400FaultyFramingBeforeTheToolSeesTheRequest()
    {
        // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding MUST be treated as having faulty framing.
        var credential = await StripeCredentialAsync();

        var text = await SendAsync($"POST /stripe/v1/any HTTP/1.0\r\nHost: proxy\r\nAuthorization: Bearer {credential}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");

        Assert.Matches("^HTTP/1.[01] 400 ", text);
        Assert.Contains("\"check_id\":\"proxy.body_malformed\"", text, StringComparison.Ordinal);
        Assert.Equal(0, Upstream.Started);
    }

    [Fact]
    public async Task Proxy_XContentLengthTheAgentSent_IsForwardedAsSent()
    {
        // Only the name Kestrel gives a length received beside Transfer-Encoding is refused; sent on its own it is an ordinary header.
        var credential = await StripeCredentialAsync("refunds:write");

        var text = await SendAsync($"POST /stripe/v1/refunds HTTP/1.1\r\nHost: proxy\r\nAuthorization: Bearer {credential}\r\nX-Content-Length: 7\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");

        Assert.StartsWith("HTTP/1.1 200 ", text, StringComparison.Ordinal);
        var seen = Assert.Single(Upstream.Received);
        Assert.Equal("7", seen.Headers["X-Content-Length"]);
        Assert.Equal(5, seen.BodyBytes);
    }

    [Theory]
    [InlineData("GET http://upstream.example/stripe/v1/charges/ch_1 HTTP/1.1")]
    [InlineData("CONNECT upstream.example:443 HTTP/1.1")]
    [InlineData("OPTIONS * HTTP/1.1")]
    public async Task Proxy_TargetNotInOriginForm_4xxNothingForwarded(string requestLine)
    {
        // The destination is the tool's upstream, never one the request names (RFC 9112 §3.2.2 to §3.2.4 forms).
        var credential = await StripeCredentialAsync();

        var text = await SendAsync($"{requestLine}\r\nHost: upstream.example\r\nAuthorization: Bearer {credential}\r\nConnection: close\r\n\r\n");

        Assert.Matches("^HTTP/1.1 4[0-9][0-9] ", text);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_ConnectToAnAllowListedPath_400NoTunnelNothingForwarded()
    {
        // RFC 9110 §9.3.6: CONNECT asks for a tunnel; Kestrel passes one with an origin-form target, which "* /v1/any" allows.
        var credential = await StripeCredentialAsync();

        var text = await SendAsync($"CONNECT /stripe/v1/any HTTP/1.1\r\nHost: proxy\r\nAuthorization: Bearer {credential}\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400 ", text, StringComparison.Ordinal);
        Assert.Contains("\"check_id\":\"proxy.connect_refused\"", text, StringComparison.Ordinal);
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_AnyMethodRule_ForwardsAnOrdinaryCall()
    {
        var credential = await StripeCredentialAsync();

        var text = await SendAsync($"DELETE /stripe/v1/any HTTP/1.1\r\nHost: proxy\r\nAuthorization: Bearer {credential}\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 ", text, StringComparison.Ordinal);
        Assert.Equal("DELETE", Assert.Single(Upstream.Received).Method);
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
