using System.Net;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Proxy;

/// <summary>OPTIONS and TRACE through the proxy (RFC 9110 §7.6.2, §9.3.8): Max-Forwards checked and updated, no secret echoed.</summary>
public sealed class ProxyMaxForwardsTests : ProxyTest
{
    [Theory]
    [InlineData("OPTIONS")]
    [InlineData("TRACE")]
    public async Task Proxy_MaxForwardsZero_IsNotForwarded_TheProxyAnswersAsFinalRecipient(string method)
    {
        // RFC 9110 §7.6.2: an intermediary receiving OPTIONS or TRACE with Max-Forwards 0 MUST NOT forward it.
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(new HttpMethod(method), "stripe/v1/hop", credential, configure: r => r.Headers.TryAddWithoutValidation("Max-Forwards", "0"));

        Assert.Equal("proxy.max_forwards_exhausted", CheckId(await ProblemAsync(response, HttpStatusCode.BadRequest)));
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_MaxForwardsOfOptions_IsDecrementedWhenForwarded()
    {
        // RFC 9110 §7.6.2: the forwarded Max-Forwards MUST be the received value less one.
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(HttpMethod.Options, "stripe/v1/hop", credential, configure: r => r.Headers.TryAddWithoutValidation("Max-Forwards", "3"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", Assert.Single(Upstream.Received).Headers["Max-Forwards"]);
    }

    [Theory]
    [InlineData("OPTIONS", "abc")]
    [InlineData("OPTIONS", "+3")]
    [InlineData("OPTIONS", "-1")]
    [InlineData("TRACE", "3, 5")]
    public async Task Proxy_MaxForwardsNotANumber_400NotForwarded(string method, string value)
    {
        // RFC 9110 §7.6.2: an intermediary MUST check and update Max-Forwards; one it cannot read is not passed on unchanged.
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(new HttpMethod(method), "stripe/v1/hop", credential, configure: r => r.Headers.TryAddWithoutValidation("Max-Forwards", value));

        Assert.Equal("proxy.max_forwards_invalid", CheckId(await ProblemAsync(response, HttpStatusCode.BadRequest)));
        Assert.Empty(Upstream.Received);
    }

    [Fact]
    public async Task Proxy_MaxForwardsBeyondWhatTheProxyCounts_IsForwardedDecremented()
    {
        // RFC 9110 §7.6.2: the forwarded value is the lesser of the received one less one and the most the proxy supports.
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(HttpMethod.Options, "stripe/v1/hop", credential, configure: r => r.Headers.TryAddWithoutValidation("Max-Forwards", "99999999999999999999999"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((long.MaxValue - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(Upstream.Received).Headers["Max-Forwards"]);
    }

    [Fact]
    public async Task Proxy_Trace_IsForwardedWithoutTheInjectedSecret()
    {
        // RFC 9110 §9.3.8: a client MUST NOT send sensitive fields in TRACE, whose answer echoes them (maybe compressed, past the scrubber).
        var credential = await StripeCredentialAsync();

        using var response = await CallAsync(HttpMethod.Trace, "stripe/v1/hop", credential, configure: r => r.Headers.TryAddWithoutValidation("X-Api-Key", "agent-sent"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(Assert.Single(Upstream.Received).Headers.ContainsKey("X-Api-Key"));
    }

    [Theory]
    [InlineData("Content-Length: 5\r\n", "hello")]
    [InlineData("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n")]
    public async Task Proxy_TraceWithContent_400NothingForwarded(string framing, string body)
    {
        // RFC 9110 §9.3.8: a client MUST NOT send content in a TRACE request; forwarding it, the proxy would be that client.
        var credential = await StripeCredentialAsync();

        var (status, text) = await RawAsync("/stripe/v1/hop", credential, framing, method: "TRACE", body: body);

        Assert.Equal(400, status);
        Assert.Contains("\"check_id\":\"proxy.trace_with_content\"", text, StringComparison.Ordinal);
        Assert.Equal(0, Upstream.Started);
    }
}
