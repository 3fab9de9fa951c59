using Mandate.Core.Configuration;
using Mandate.Server.Proxy;

namespace Mandate.Server.Tests.Proxy;

/// <summary>
/// RFC 9449 §4.3: htu is the URI the client called. Without proxy.public_origin the proxy can only take that from the
/// request's Host, which a client chooses; the broker warns at start when other machines can reach such a proxy.
/// </summary>
public sealed class ProxyOriginCheckTests
{
    [Theory]
    [InlineData("http://0.0.0.0:8081")]
    [InlineData("http://10.1.2.3:8081")]
    [InlineData("http://[::]:8081")]
    public void Warning_BeyondLoopbackWithoutPublicOrigin_NamesTheSetting(string listen)
    {
        var warning = ProxyOriginCheck.Warning(new ProxyOptions { Listen = listen }, listen);

        Assert.NotNull(warning);
        Assert.Contains("proxy.public_origin", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8081")]
    [InlineData("http://localhost:8081")]
    [InlineData("http://[::1]:8081")]
    public void Warning_OnLoopback_None(string listen) =>
        Assert.Null(ProxyOriginCheck.Warning(new ProxyOptions { Listen = listen }, listen));

    [Fact]
    public void Warning_BeyondLoopbackWithPublicOrigin_None() =>
        Assert.Null(ProxyOriginCheck.Warning(new ProxyOptions { Listen = "http://0.0.0.0:8081", PublicOrigin = new Uri("https://proxy.acme.example") }, "http://0.0.0.0:8081"));

    [Fact]
    public void Warning_ProxyOff_None() => Assert.Null(ProxyOriginCheck.Warning(new ProxyOptions(), null));
}
