using System.Net;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Console;

/// <summary>
/// The console behind a TLS-terminating reverse proxy: a plain loopback listener with an https <c>console.public_url</c>.
/// People reach it over https, so every cookie is a Secure <c>__Host-</c> cookie; without Secure a browser would send the
/// session over plain http to the same host (RFC 6265bis §4.1.2.5), e.g. to the proxy's port 80.
/// </summary>
public sealed class ProxiedConsoleTests : IAsyncLifetime
{
    private BrokerHarness? _broker;

    private BrokerHarness Broker => _broker!;

    public async Task InitializeAsync() =>
        _broker = await BrokerHarness.StartAsync(extraConfiguration: "console: { listen: http://127.0.0.1:0, public_url: https://console.acme.example }\n");

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    [Fact]
    public async Task BehindATlsProxy_EveryConsoleCookieIsASecureHostCookieAndSignInWorks()
    {
        var console = Broker.App.ConsoleAddress!;
        Assert.Equal("http", console.Scheme);
        using var browser = new ConsoleBrowser(console);

        using var admin = Broker.Admin();
        var (url, _) = await admin.CreateConsoleLoginAsync();
        Assert.Equal("https://console.acme.example/", url.GetLeftPart(UriPartial.Authority) + "/");
        var signedIn = await browser.ConfirmAsync(url.PathAndQuery);
        Assert.Equal(HttpStatusCode.Found, signedIn.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/runs")).Status);

        Assert.Contains("__Host-mandate-console", browser.Cookies.Keys);
        Assert.Contains("__Host-mandate-csrf", browser.Cookies.Keys);
        browser.AssertEveryCookieIsASecureHostCookie();
        // People reach it over https (OWASP ASVS 5.0 3.4.1); RFC 6797 §8.1 has a browser ignore it on the loopback listener's plain http.
        Assert.Equal("max-age=31536000", (await browser.GetAsync("/runs")).Headers["Strict-Transport-Security"]);
    }
}
