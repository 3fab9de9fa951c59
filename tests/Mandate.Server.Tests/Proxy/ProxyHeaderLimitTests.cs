using System.Net;

namespace Mandate.Server.Tests.Proxy;

/// <summary>The proxy listener's header limit: an oversized credential is refused by Kestrel before anything reads it.</summary>
public sealed class ProxyHeaderLimitTests : ProxyTest
{
    [Fact]
    public async Task Invariant7_CredentialOverTheHeaderLimit_Returns431NotForwarded()
    {
        // RFC 6585 §5: request header fields too large → 431; the listener's limit is 32 KiB of headers.
        var credential = "eyJ" + new string('a', 40 * 1024);

        using var response = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", credential);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Empty(Upstream.Received);
        await Broker.AssertNothingIssuedAsync();
    }
}
