using System.Net;

namespace Mandate.Server.Tests.Console;

/// <summary>
/// OWASP session management (ASVS 5.0 7.2.4): a sign-in always gets a new session, and the session the browser held
/// before ends on the server, so a copy of its cookie is refused afterwards instead of living until it idles out.
/// </summary>
public sealed class SignInAgainTests : ConsoleTest
{
    [Fact]
    public async Task Signing_in_with_the_provider_again_ends_the_session_the_browser_held()
    {
        var earlier = await SignInAsync(Viewer);
        var held = earlier.Cookies["mandate-console"];
        var browser = NewBrowser();
        var challenge = await browser.GetAsync("/runs");
        Idp.NextUser = Admin;
        using var idpHttp = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var authorize = await idpHttp.GetAsync(challenge.Location);
        // The browser holds the earlier session when the provider's answer comes back (another tab signed in meanwhile).
        browser.SetCookie("mandate-console", held);

        var callback = await browser.GetAsync(authorize.Headers.Location!.ToString());

        Assert.True(callback.Status == HttpStatusCode.Found, callback.ToString());
        Assert.NotEqual(held, browser.Cookies["mandate-console"]);
        var after = await browser.GetAsync("/runs");
        Assert.True(after.Status == HttpStatusCode.OK, after.ToString());
        await AssertEndedAsync(held);
    }

    [Fact]
    public async Task A_one_time_login_from_a_signed_in_browser_gets_a_new_session_and_ends_the_old_one()
    {
        var browser = await SignInAsync(Viewer);
        var held = browser.Cookies["mandate-console"];
        using var admin = Broker.Admin();
        var (url, _) = await admin.CreateConsoleLoginAsync();

        var signedIn = await browser.ConfirmAsync(url.PathAndQuery);

        Assert.True(signedIn.Status == HttpStatusCode.Found, signedIn.ToString());
        var runs = await browser.GetAsync("/runs");
        Assert.True(runs.Status == HttpStatusCode.OK, runs.ToString());
        Assert.Contains("local-admin (one-time login) · admin", runs.Html, StringComparison.Ordinal);
        await AssertEndedAsync(held);
    }

    private async Task AssertEndedAsync(string cookie)
    {
        var replay = NewBrowser();
        replay.SetCookie("mandate-console", cookie);
        var refused = await replay.GetAsync("/runs");
        Assert.True(refused.Status == HttpStatusCode.Found, refused.ToString());
        Assert.StartsWith(Idp.Issuer.ToString(), refused.Location!.ToString(), StringComparison.Ordinal);
    }
}
