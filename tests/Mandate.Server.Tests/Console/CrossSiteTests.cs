using System.Net;
using Mandate.Core.Audit;

namespace Mandate.Server.Tests.Console;

/// <summary>
/// The console as a page on another site meets it: a link or a top-level navigation it makes the user's browser follow
/// changes nothing, a sign-in lands only on the console's own pages, and text from the identity provider is only text.
/// </summary>
public sealed class CrossSiteTests : ConsoleTest
{
    public static TheoryData<string> RemoteSignOutLinks => new()
    {
        "/signout-oidc?iss={issuer}",
        "/signout-oidc",
        "/signout-callback-oidc?iss={issuer}",
    };

    [Theory]
    [MemberData(nameof(RemoteSignOutLinks))]
    public async Task Rfc9110_a_link_to_the_oidc_handlers_sign_out_paths_leaves_the_session_alone(string link)
    {
        // RFC 9110 §9.2.1: GET is safe, so a link another site makes the browser follow (the session cookie is SameSite=Lax,
        // so it goes along) must not end the session; the console signs out only by its form's POST.
        var browser = await SignInAsync(Admin);
        var path = link.Replace("{issuer}", Uri.EscapeDataString(Idp.Issuer.ToString()), StringComparison.Ordinal);

        var answer = await browser.GetAsync(path);

        var runs = await browser.GetAsync("/runs");
        Assert.True(runs.Status == HttpStatusCode.OK, $"after {path}: {runs}");
        // Nothing answers there: the console's 404 page, not a blank answer from a handler of a protocol it does not speak.
        Assert.True(answer.Status == HttpStatusCode.NotFound, answer.ToString());
        Assert.True(answer.HasElement("error"), answer.ToString());
    }

    public static TheoryData<string> OffSiteStarts => new()
    {
        "//evil.example/runs",
        "//evil.example/",
        "//runs",
        "///runs",
        "//approvals/x/approve",
        "/%5C/runs",
        "/%5Cevil.example/runs",
        "/%2F%2Fevil.example/runs",
        "/runs/%2F%2Fevil.example",
        "/runs?next=https://evil.example/",
    };

    [Theory]
    [MemberData(nameof(OffSiteStarts))]
    public async Task Rfc9700_a_sign_in_started_from_any_path_returns_only_to_a_page_of_the_console(string start)
    {
        // RFC 9700 §4.11.1: a client MUST NOT be an open redirector. The page a sign-in returns to is the path the browser
        // asked for, so none of these may turn into a redirect to another host.
        var browser = NewBrowser();
        var challenge = await browser.GetAsync(ConsoleAddress.GetLeftPart(UriPartial.Authority) + start);
        if (challenge.Status != HttpStatusCode.Found)
        {
            Assert.True(challenge.Status == HttpStatusCode.NotFound, challenge.ToString());
            return;
        }

        var (_, callback) = await CallbackAsync(Viewer, ConsoleAddress.GetLeftPart(UriPartial.Authority) + start);
        Assert.True(callback.Status == HttpStatusCode.Found, callback.ToString());
        var target = callback.Location!;
        var landing = target.IsAbsoluteUri ? target : new Uri(ConsoleAddress, target);
        Assert.True(landing.Authority == ConsoleAddress.Authority, $"{start} returned to {target}");
        Assert.False(target.OriginalString.StartsWith("//", StringComparison.Ordinal) || target.OriginalString.StartsWith("/\\", StringComparison.Ordinal), target.OriginalString);
    }

    [Fact]
    public async Task Markup_in_the_identity_providers_claims_is_shown_as_text_on_every_page_that_names_the_user()
    {
        const string Name = "\"><img src=x onerror=alert(1)><script>alert(2)</script>";
        const string Subject = "sub'\"><svg onload=alert(3)>";
        var browser = await SignInAsync(new TestUser(Subject, Name, ["admins"]));

        var pages = new List<ConsoleBrowser.Page> { await browser.GetAsync("/runs"), await browser.GetAsync("/audit") };
        Assert.NotEmpty(await Broker.AuditEventsAsync(AuditKinds.ConsoleSignIn));
        foreach (var page in pages)
        {
            Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
            Assert.DoesNotContain("<img", page.Html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<svg", page.Html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<script", page.Html, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("&lt;script&gt;", page.Html, StringComparison.Ordinal);
        }

        // The audit page names the user in its By column, subject included, encoded the same way.
        Assert.Contains("&lt;svg onload=alert(3)&gt;", pages[1].Html, StringComparison.Ordinal);
    }

    public static TheoryData<string> ReflectingPaths => new()
    {
        "/runs?agent={x}&tenant={x}&user={x}",
        "/runs?agent={x}&live=1",
        "/runs/{x}",
        "/audit?run={x}&agent={x}&user={x}&tenant={x}&tool={x}&trace={x}&since={x}&until={x}",
        "/revocations/confirm?target=user&value={x}",
        "/revocations/confirm?target={x}&value=alice",
        "/agents/disable?agent={x}",
        "/approvals/{x}/approve",
        "/login/one-time?code={x}",
    };

    [Theory]
    [MemberData(nameof(ReflectingPaths))]
    public async Task A_query_or_path_carrying_markup_is_written_back_only_as_text(string template)
    {
        const string Markup = "\"'><img src=x onerror=alert(1)><script>alert(2)</script>";
        var admin = await OneTimeAdminAsync();
        var page = await admin.GetAsync(template.Replace("{x}", Uri.EscapeDataString(Markup), StringComparison.Ordinal));

        Assert.True((int)page.Status < 500 && page.Html.Length > 0, page.ToString());
        Assert.DoesNotContain("<img", page.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", page.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("'>", page.Html, StringComparison.Ordinal);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
    }

    public static TheoryData<string> StaticPaths => new()
    {
        "/static/../appsettings.json",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2F..%2Fetc%2Fpasswd",
        "/static/",
    };

    [Theory]
    [MemberData(nameof(StaticPaths))]
    public async Task Only_the_stylesheet_is_served_under_static(string path)
    {
        var browser = NewBrowser();
        var page = await browser.GetAsync(ConsoleAddress.GetLeftPart(UriPartial.Authority) + path);

        Assert.True(page.Status == HttpStatusCode.NotFound, page.ToString());
        Assert.True(page.HasElement("error"), page.ToString());
        Assert.DoesNotContain("root:", page.Html, StringComparison.Ordinal);
    }
}
