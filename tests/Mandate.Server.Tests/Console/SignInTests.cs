using System.Net;
using System.Web;

namespace Mandate.Server.Tests.Console;

/// <summary>Signing in with the identity provider: authorization code + PKCE (S256), state and nonce; roles from the claim.</summary>
public sealed class SignInTests : ConsoleTest
{
    [Fact]
    public async Task An_anonymous_visit_is_sent_to_the_provider_with_pkce_state_and_nonce()
    {
        var browser = NewBrowser();
        var challenge = await browser.GetAsync("/approvals");
        Assert.Equal(HttpStatusCode.Found, challenge.Status);
        var location = challenge.Location!;
        Assert.StartsWith($"{Idp.Issuer}/authorize?", location.ToString(), StringComparison.Ordinal);
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.Equal(43, query["code_challenge"]!.Length);
        Assert.False(string.IsNullOrEmpty(query["state"]));
        Assert.False(string.IsNullOrEmpty(query["nonce"]));
        Assert.Equal(TestIdentityProvider.ClientId, query["client_id"]);
        Assert.Equal($"{ConsoleAddress}signin-oidc", query["redirect_uri"]);
        Assert.Contains("openid", query["scope"]!.Split(' '));
        Assert.Null(query["response_mode"] is "form_post" ? query["response_mode"] : null);

        // The correlation and nonce cookies: HttpOnly, SameSite=Lax (the callback is a top-level GET), path /.
        Assert.Equal(2, browser.SetCookies.Count);
        Assert.All(browser.SetCookies, c =>
        {
            Assert.Contains("httponly", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=lax", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("path=/;", c + ";", StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task A_viewer_signs_in_and_the_session_cookie_holds_no_token()
    {
        var browser = await SignInAsync(Viewer);
        var runs = await browser.GetAsync("/runs");
        Assert.True(runs.Status == HttpStatusCode.OK, runs.ToString());
        Assert.Contains("Vera Viewer · viewer", runs.Html, StringComparison.Ordinal);
        Assert.Equal(0, Idp.RefusedTokenRequests);

        var session = browser.SetCookies.Single(c => c.StartsWith("mandate-console=", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", session, StringComparison.OrdinalIgnoreCase);
        // A session cookie (no Expires): it ends with the browser or after the idle timeout, whichever is first.
        Assert.DoesNotContain("expires=", session, StringComparison.OrdinalIgnoreCase);
        // SaveTokens is off: the cookie is far smaller than one holding an ID token, and pages never show the provider's tokens.
        Assert.True(browser.Cookies["mandate-console"].Length < 1200, $"session cookie of {browser.Cookies["mandate-console"].Length} characters");
        Assert.DoesNotContain("idp-access-token", runs.Html, StringComparison.Ordinal);
        // No JWT (two base64url JSON objects, header and payload): a bare "eyJ" also turns up by chance in the page's
        // random antiforgery values, about once in a few hundred runs.
        Assert.DoesNotMatch(@"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.", runs.Html);
    }

    [Fact]
    public async Task A_user_with_none_of_the_roles_gets_the_forbidden_page()
    {
        var browser = await SignInAsync(Stranger);
        foreach (var path in new[] { "/runs", "/approvals", "/agents", "/audit" })
        {
            var page = await browser.GetAsync(path);
            Assert.True(page.Status == HttpStatusCode.Forbidden, path + " " + page);
            Assert.True(page.HasElement("forbidden"), page.ToString());
            Assert.False(page.HasElement("nav-runs"));
        }
    }

    [Fact]
    public async Task A_callback_with_a_forged_state_signs_nobody_in()
    {
        var browser = NewBrowser();
        var challenge = await browser.GetAsync("/runs");
        Idp.NextUser = Admin;
        using var idpHttp = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var authorize = await idpHttp.GetAsync(challenge.Location);
        var callback = authorize.Headers.Location!.ToString();
        var forged = System.Text.RegularExpressions.Regex.Replace(callback, "state=[^&]+", "state=forged");
        var refused = await browser.GetAsync(forged);
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.DoesNotContain("mandate-console", browser.Cookies.Keys);
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync("/runs")).Status);
    }

    [Fact]
    public async Task The_session_ends_after_the_idle_timeout()
    {
        var browser = await SignInAsync(Viewer);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/runs")).Status);
        Broker.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        var expired = await browser.GetAsync("/runs");
        Assert.Equal(HttpStatusCode.Found, expired.Status);
        Assert.StartsWith(Idp.Issuer.ToString(), expired.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_session_ends_at_session_max_however_active_it_is()
    {
        // OWASP ASVS 5.0 7.3.2: an absolute lifetime, so a role taken away at the provider does not live on in a busy session.
        var browser = await SignInAsync(Admin);
        for (var elapsed = TimeSpan.FromMinutes(10); elapsed < TimeSpan.FromHours(8); elapsed += TimeSpan.FromMinutes(10))
        {
            Broker.Clock.Advance(TimeSpan.FromMinutes(10));
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/runs")).Status);
        }

        Broker.Clock.Advance(TimeSpan.FromMinutes(10));
        var ended = await browser.GetAsync("/runs");
        Assert.Equal(HttpStatusCode.Found, ended.Status);
        Assert.StartsWith(Idp.Issuer.ToString(), ended.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_and_needs_the_form_token()
    {
        var browser = await SignInAsync(Approver);
        var runs = await browser.GetAsync("/runs");
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync("/signout", token: null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/runs")).Status);

        var signedOut = await browser.PostAsync("/signout", runs.Token());
        Assert.Equal(HttpStatusCode.Found, signedOut.Status);
        var landing = await browser.GetAsync(signedOut.Location!.ToString());
        Assert.True(landing.HasElement("signin-link"), landing.ToString());
        Assert.DoesNotContain("mandate-console", browser.Cookies.Keys);
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync("/runs")).Status);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_so_a_copy_of_its_cookie_is_refused()
    {
        var browser = await SignInAsync(Admin);
        var runs = await browser.GetAsync("/runs");
        var copied = browser.Cookies["mandate-console"];

        Assert.Equal(HttpStatusCode.Found, (await browser.PostAsync("/signout", runs.Token())).Status);

        var replay = NewBrowser();
        replay.SetCookie("mandate-console", copied);
        var refused = await replay.GetAsync("/runs");
        Assert.Equal(HttpStatusCode.Found, refused.Status);
        Assert.StartsWith(Idp.Issuer.ToString(), refused.Location!.ToString(), StringComparison.Ordinal);
    }
}
