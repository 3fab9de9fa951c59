using System.Net;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Console;

/// <summary>Every console response carries the strict headers; every form needs its antiforgery token.</summary>
public sealed class SecurityHeaderTests : ConsoleTest
{
    private static readonly string[] Pages =
    [
        "/runs", "/runs?live=1", "/approvals", "/agents", "/revocations", "/audit", "/audit?run=nothing", "/policy",
        "/runs/no-such-run", "/no-such-page", "/agents/disable?agent=" + Uri.EscapeDataString(SupportAgent),
    ];

    [Fact]
    public async Task Every_page_carries_the_content_security_policy_and_the_other_security_headers()
    {
        var expectedCsp = $"default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self' {Idp.Issuer.GetLeftPart(UriPartial.Authority)}; frame-ancestors 'none'; base-uri 'none'";
        var admin = await OneTimeAdminAsync();
        var anonymous = NewBrowser();
        var responses = new List<(string, ConsoleBrowser.Page)>();
        foreach (var path in Pages)
        {
            responses.Add((path, await admin.GetAsync(path)));
        }

        responses.Add(("anonymous /runs", await anonymous.GetAsync("/runs")));
        responses.Add(("anonymous /signin", await anonymous.GetAsync("/signin")));
        responses.Add(("anonymous login link", await anonymous.GetAsync("/login/one-time?code=x")));
        responses.Add(("form without token", await admin.PostAsync("/agents/disable", null, ("agent", SupportAgent))));
        foreach (var (what, page) in responses)
        {
            Assert.True(page.Headers.TryGetValue("Content-Security-Policy", out var csp), what);
            Assert.Equal(expectedCsp, csp);
            Assert.Equal("nosniff", page.Headers["X-Content-Type-Options"]);
            Assert.Equal("no-referrer", page.Headers["Referrer-Policy"]);
            Assert.Equal("DENY", page.Headers["X-Frame-Options"]);
            Assert.Equal("no-store", page.Headers["Cache-Control"]);
            Assert.False(page.Headers.ContainsKey("Server"), what);
            // RFC 6797 §7.2: never over plain http (the loopback listener without an https public_url).
            Assert.False(page.Headers.ContainsKey("Strict-Transport-Security"), what);
            // No inline script or style anywhere: the CSP would block it, so none is written.
            Assert.DoesNotContain("<script", page.Html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("style=", page.Html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<style", page.Html, StringComparison.OrdinalIgnoreCase);
        }

        var css = await anonymous.GetAsync("/static/console.css");
        Assert.Equal(HttpStatusCode.OK, css.Status);
        Assert.Equal("text/css; charset=utf-8", css.Headers["Content-Type"]);
    }

    [Fact]
    public async Task A_post_without_its_antiforgery_token_is_refused_and_changes_nothing()
    {
        var admin = await OneTimeAdminAsync();
        var agents = await admin.GetAsync("/agents");
        Assert.True(agents.HasElement($"disable-{Mandate.Server.Console.AgentPages.Slug(SupportAgent)}"), agents.ToString());

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/agents/disable", token: null, ("agent", SupportAgent))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/agents/disable", token: "forged", ("agent", SupportAgent))).Status);

        // A token from another user's session does not pass either.
        var other = await OneTimeAdminAsync();
        var otherToken = (await other.GetAsync("/agents/disable?agent=" + Uri.EscapeDataString(SupportAgent))).Token();
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/agents/disable", otherToken, ("agent", SupportAgent))).Status);

        Assert.Null(Broker.Runtime.Revocations.DisabledBy(SupportAgent));
        await Broker.IssueAsync(Broker.RefundRequest());
    }

    [Fact]
    public async Task Every_page_answers_HEAD_as_GET_with_the_same_status_and_headers_and_no_body()
    {
        // RFC 9110 §9.1: a general-purpose server MUST support GET and HEAD.
        var admin = await OneTimeAdminAsync();
        foreach (var path in Pages.Append("/static/console.css"))
        {
            var get = await admin.GetAsync(path);
            var head = await admin.HeadAsync(path);

            Assert.True(get.Status == head.Status, $"{path}: GET {get.Status}, HEAD {head.Status}");
            Assert.Equal(get.Headers["Content-Security-Policy"], head.Headers["Content-Security-Policy"]);
            Assert.Equal(get.Headers["Cache-Control"], head.Headers["Cache-Control"]);
            Assert.Empty(head.Html);
        }

        Assert.Equal(HttpStatusCode.Found, (await NewBrowser().HeadAsync("/runs")).Status);
    }

    [Fact]
    public async Task Invariant7_ConsoleFormWithARepeatedField_Returns400AndChangesNothing()
    {
        var admin = await OneTimeAdminAsync();
        var token = (await admin.GetAsync("/revocations")).Token();

        var revoke = await admin.PostAsync("/revocations", token, ("target", "user"), ("value", "dave"), ("value", "eve"));
        var disable = await admin.PostAsync("/agents/disable", token, ("agent", SupportAgent), ("agent", ExecutorAgent));

        Assert.Equal(HttpStatusCode.BadRequest, revoke.Status);
        Assert.Equal(HttpStatusCode.BadRequest, disable.Status);
        Assert.Contains("a field was repeated", revoke.Html, StringComparison.Ordinal);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
        await Broker.IssueAsync(Broker.RefundRequest());
    }

    [Fact]
    public async Task Rfc9110_a_method_a_page_does_not_take_gets_405_with_allow_and_a_page_that_says_so()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = ConsoleAddress };
        foreach (var (method, path, allow) in new[] { ("PUT", "/runs", "GET, HEAD"), ("DELETE", "/signout", "POST"), ("GET", "/signout", "POST") })
        {
            using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains($"does not take a {method} request", html, StringComparison.Ordinal);
            Assert.DoesNotContain("no such page", html, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("get", "/runs")]
    [InlineData("post", "/signout")]
    public async Task Invariant7_LowerCaseMethod_Returns501(string method, string path)
    {
        // RFC 9110 §9.1: the method token is case-sensitive; 'get' is no method the console implements (RFC 9110 §15.6.2).
        // Raw bytes: HttpClient would spell a known method in upper case.
        var reply = await Harness.RawHttp.SendAsync(Harness.RawHttp.Tcp(ConsoleAddress), $"{method} {path} HTTP/1.1\r\nHost: console\r\n", []);

        Assert.True(reply.Status == (int)HttpStatusCode.NotImplemented, reply.ToString());
        Assert.Contains("request.method_not_implemented", reply.Text, StringComparison.Ordinal);
    }
}
