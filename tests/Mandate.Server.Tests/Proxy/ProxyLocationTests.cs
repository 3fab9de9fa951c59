using Mandate.Server.Proxy;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// The upstream's <c>Location</c> is the upstream's text: a host that IDNA cannot put in ASCII (.NET parses it, then throws
/// for its ASCII form) is not the tool's host, so it is relayed as any other host's Location is, never a 500.
/// </summary>
public sealed class ProxyLocationTests
{
    private static readonly ProxyLocation Stripe = new(new Uri("http://127.0.0.1:9/stripe-api"), "/stripe");

    [Theory]
    [InlineData("https://a\u05D0b.example/next")]
    [InlineData("//refunds\u0608.example/next")]
    public void Relocate_LocationWhoseHostIdnaRefuses_IsRelayedAsItIs(string location) =>
        Assert.Equal(location, Stripe.Relocate(new Uri("http://127.0.0.1:9/stripe-api/v1/charges"), location));

    [Fact]
    public void Relocate_LocationUnderTheUpstream_IsTheProxyPathThatReachesIt() =>
        Assert.Equal("/stripe/v1/charges/ch_2", Stripe.Relocate(new Uri("http://127.0.0.1:9/stripe-api/v1/charges"), "/stripe-api/v1/charges/ch_2"));
}
