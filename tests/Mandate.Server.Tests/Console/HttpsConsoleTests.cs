using System.Net;
using Mandate.Server.Tests.Harness;
using Mandate.Server.Tests.SenderConstraint;

namespace Mandate.Server.Tests.Console;

/// <summary>
/// The console over https (the only way off loopback), with the broker's tls: certificate: every cookie is a
/// <c>__Host-</c> cookie, Secure, HttpOnly, path /, no domain. Without console.oidc, visitors are sent to the
/// page that explains the one-time login.
/// </summary>
public sealed class HttpsConsoleTests : IAsyncLifetime, IDisposable
{
    private readonly TestPki _listenerCa = new("console-listener");
    private BrokerHarness? _broker;

    private BrokerHarness Broker => _broker!;

    public async Task InitializeAsync() =>
        _broker = await BrokerHarness.StartAsync(
            extraConfiguration: "tls: { certificate_file: server.pem, key_file: server.key }\nlisten: https://127.0.0.1:0\nconsole: { listen: https://127.0.0.1:0 }\n",
            listenUrl: "https://127.0.0.1:0",
            prepare: dir => _listenerCa.WriteServerCertificateAsync(Path.Combine(dir, "server.pem"), Path.Combine(dir, "server.key")));

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    public void Dispose() => _listenerCa.Dispose();

    [Fact]
    public async Task Over_https_every_console_cookie_is_a_secure_host_cookie()
    {
        var console = Broker.App.ConsoleAddress!;
        Assert.Equal("https", console.Scheme);
        using var browser = new ConsoleBrowser(console, _listenerCa.Authority);

        var anonymous = await browser.GetAsync("/runs");
        Assert.Equal(HttpStatusCode.Found, anonymous.Status);
        Assert.StartsWith("/signin", anonymous.Location!.PathAndQuery, StringComparison.Ordinal);
        var signin = await browser.GetAsync("/signin");
        Assert.Contains("mandate console login", signin.Html, StringComparison.Ordinal);

        using var admin = Broker.Admin();
        var (url, _) = await admin.CreateConsoleLoginAsync();
        Assert.Equal(console.Port, url.Port);
        var signedIn = await browser.ConfirmAsync(url.PathAndQuery);
        Assert.Equal(HttpStatusCode.Found, signedIn.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/runs")).Status);

        Assert.Contains("__Host-mandate-console", browser.Cookies.Keys);
        Assert.Contains("__Host-mandate-csrf", browser.Cookies.Keys);
        browser.AssertEveryCookieIsASecureHostCookie();
        Assert.Contains(browser.SetCookies, c => c.StartsWith("__Host-mandate-csrf", StringComparison.Ordinal) && c.Contains("samesite=strict", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(browser.SetCookies, c => c.StartsWith("__Host-mandate-console", StringComparison.Ordinal) && c.Contains("samesite=lax", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Over_https_every_response_asks_the_browser_to_keep_to_https_for_a_year()
    {
        // OWASP ASVS 5.0 3.4.1: every response carries Strict-Transport-Security with a max-age of at least a year, so a
        // browser that has been here never again sends the session cookie's requests through a plain-http downgrade.
        using var browser = new ConsoleBrowser(Broker.App.ConsoleAddress!, _listenerCa.Authority);
        foreach (var path in new[] { "/runs", "/signin", "/static/console.css", "/no-such-page", "/login/one-time?code=x" })
        {
            var page = await browser.GetAsync(path);
            Assert.True(page.Headers.TryGetValue("Strict-Transport-Security", out var hsts), $"{path}: {page}");
            Assert.Equal("max-age=31536000", hsts);
        }
    }
}
