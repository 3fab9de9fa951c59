using System.Net;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// A compromised-key rotation (<c>mandate keys rotate --compromised</c>) at the egress proxy: a credential signed by the
/// distrusted key is refused and nothing is forwarded; one issued after it, under the new key, goes through.
/// </summary>
public sealed class ProxyCompromisedKeyTests : ProxyTest
{
    [Fact]
    public async Task Proxy_CredentialSignedByACompromisedKey_401NotForwarded_NewCredentialForwarded()
    {
        var before = await StripeCredentialAsync();
        using (var first = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_1", before))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        var rotated = await AdminSocket.PostJsonAsync(Broker, "admin/keys/rotate", new { compromised = true, reason = "leak" });
        Assert.Equal(HttpStatusCode.OK, rotated.Status);

        using var refused = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_2", before);
        var after = await StripeCredentialAsync();
        using var forwarded = await CallAsync(HttpMethod.Get, "stripe/v1/charges/ch_3", after);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
        Assert.Equal(["/stripe-api/v1/charges/ch_1", "/stripe-api/v1/charges/ch_3"], Upstream.Received.Select(r => r.Target));
    }
}
