using Mandate.Server.Tests.Harness;
using Microsoft.Playwright;

namespace Mandate.Console.BrowserTests;

/// <summary>Signing in to the console at the company's OpenID provider, in a real browser.</summary>
[Collection(ChromiumTestGroup.Name)]
public sealed class ConsoleSignInTests(ChromiumBrowser chromium) : IAsyncLifetime
{
    private ConsoleSite _site = null!;

    public async Task InitializeAsync() => _site = await ConsoleSite.StartAsync(TestBroker.Policy, TestBroker.Configuration);

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [ChromiumFact]
    public async Task SignIn_GoesToTheProviderWithPkce_AndComesBackWithASessionOnlyTheConsoleCanRead()
    {
        await using var context = await chromium.NewContextAsync();
        var authorizeRequests = new List<string>();
        context.Request += (_, request) =>
        {
            if (request.Url.StartsWith(_site.Provider.IssuerText + "/auth?", StringComparison.Ordinal))
            {
                authorizeRequests.Add(request.Url);
            }
        };

        var page = await _site.SignInAsync(context, ConsoleSite.Admin);

        Assert.Contains("Ada Admin · admin", await page.InnerTextAsync("#user"), StringComparison.Ordinal);
        // The console pushes its authorization request (RFC 9126) because the provider offers it, so the browser only
        // carries a request_uri; the provider refuses any request without PKCE (OidcProviderTests), so signing in proves it.
        var authorize = Assert.Single(authorizeRequests);
        Assert.Contains("request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A", authorize, StringComparison.Ordinal);
        Assert.DoesNotContain("client_secret", authorize, StringComparison.Ordinal);
        var cookies = await context.CookiesAsync([_site.Url.AbsoluteUri]);
        // Plain http is allowed on loopback only; there the cookie cannot carry the __Host- prefix (tests over https check it).
        var session = Assert.Single(cookies, c => c.Name == "mandate-console");
        Assert.True(session.HttpOnly, "the session cookie must be HttpOnly");
        Assert.Equal(SameSiteAttribute.Lax, session.SameSite);
        Assert.False(await page.EvaluateAsync<bool>("() => document.cookie.includes('mandate')"), "scripts must not read the session");
        await ConsoleSite.ScreenshotAsync(page, "runs");
    }

    [ChromiumFact]
    public async Task APersonWithNoConsoleRole_IsSignedInButForbidden()
    {
        await using var context = await chromium.NewContextAsync();

        var page = await _site.SignInAsync(context, ConsoleSite.Outsider);

        Assert.Contains("no console role", await page.InnerTextAsync("#forbidden"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#nav-approvals").CountAsync());
    }
}
