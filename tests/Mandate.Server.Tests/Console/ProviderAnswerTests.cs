using System.Net;
using System.Web;
using Mandate.Core.Audit;

namespace Mandate.Server.Tests.Console;

/// <summary>
/// What the console accepts from the identity provider: the authorization response's issuer (RFC 9207), a signed ID token
/// for this client only (OpenID Connect Core 1.0 §2, §3.1.3.7), and a redirect URI that no request's Host header chose.
/// A refused answer signs nobody in and records no sign-in.
/// </summary>
public sealed class ProviderAnswerTests : ConsoleTest
{
    [Fact]
    public async Task Rfc9207_an_authorization_response_from_another_issuer_is_refused_before_its_code_is_redeemed()
    {
        Idp.ResponseIssuer = "https://evil.example";
        var (browser, callback) = await CallbackAsync(Admin);

        await AssertNobodySignedInAsync(browser, callback);
        Assert.Equal(0, Idp.TokenRequests);
    }

    [Fact]
    public async Task Rfc9207_a_response_without_iss_from_a_provider_that_always_sends_it_is_refused()
    {
        Idp.ResponseIssuer = null;
        var (browser, callback) = await CallbackAsync(Admin);

        await AssertNobodySignedInAsync(browser, callback);
        Assert.Equal(0, Idp.TokenRequests);
    }

    [Fact]
    public async Task Rfc9207_a_provider_that_does_not_send_iss_still_signs_people_in()
    {
        (Idp.ResponseIssuer, Idp.AdvertisesResponseIssuer) = (null, false);
        var (browser, callback) = await CallbackAsync(Viewer);

        Assert.True(callback.Status == HttpStatusCode.Found, callback.ToString());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/runs")).Status);
    }

    [Fact]
    public async Task OidcCore2_an_unsigned_id_token_signs_nobody_in()
    {
        Idp.SignsIdTokens = false;
        var (browser, callback) = await CallbackAsync(Admin);

        await AssertNobodySignedInAsync(browser, callback);
    }

    [Theory]
    [InlineData("Mallory\nkind=approval_decided approver=console:Alice")]
    [InlineData("Alice\u202Eecila")]
    [InlineData("Al\u200Bice")]
    [InlineData("Bob\u001b[2J")]
    public async Task Invariant8_a_display_name_breaking_the_actor_rule_signs_nobody_in_and_records_nothing(string name)
    {
        // docs/threat-model.md: an approver follows one rule on the admin API, the console and the CLI, with no control or
        // format characters, refused and never cut; the console user is the approver of every decision they make.
        var (browser, callback) = await CallbackAsync(new TestUser("approver-9", name, ["approvers"]));

        await AssertNobodySignedInAsync(browser, callback);
        Assert.Contains("no control characters", callback.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invariant8_a_display_name_over_500_characters_signs_nobody_in_and_records_nothing()
    {
        var (browser, callback) = await CallbackAsync(new TestUser("approver-9", new string('a', 501), ["approvers"]));

        await AssertNobodySignedInAsync(browser, callback);
    }

    [Fact]
    public async Task OidcCore3137_an_expired_id_token_signs_nobody_in()
    {
        // OpenID Connect Core 1.0 §3.1.3.7 (9): the current time MUST be before exp.
        Idp.IdTokenAge = TimeSpan.FromHours(1);
        var (browser, callback) = await CallbackAsync(Admin);

        await AssertNobodySignedInAsync(browser, callback);
    }

    [Fact]
    public async Task OidcCore3137_an_hs256_id_token_keyed_with_the_providers_public_key_signs_nobody_in()
    {
        // OpenID Connect Core 1.0 §3.1.3.7 (6): validated with the alg the provider uses and its keys; RFC 8725 §2.1, no
        // MAC keyed with a public key.
        Idp.SignsWithPublicKeyAsHmac = true;
        var (browser, callback) = await CallbackAsync(Admin);

        await AssertNobodySignedInAsync(browser, callback);
    }

    [Fact]
    public async Task OidcCore3137_an_id_token_issued_a_day_in_the_future_signs_nobody_in()
    {
        Idp.IdTokenIssuedAtShift = TimeSpan.FromDays(1);
        var (browser, callback) = await CallbackAsync(Admin);

        await AssertNobodySignedInAsync(browser, callback);
    }

    [Fact]
    public async Task OidcCore3137_an_id_token_also_addressed_to_another_client_signs_nobody_in()
    {
        Idp.IdTokenClaims["aud"] = new[] { TestIdentityProvider.ClientId, "another-client" };
        var (browser, callback) = await CallbackAsync(Admin);

        await AssertNobodySignedInAsync(browser, callback);
    }

    [Fact]
    public async Task Invariant7_an_id_token_with_a_forged_nonce_records_no_sign_in()
    {
        Idp.IdTokenClaims["nonce"] = "forged-nonce";
        var (browser, callback) = await CallbackAsync(Admin);

        await AssertNobodySignedInAsync(browser, callback);
    }

    [Fact]
    public async Task Invariant7_an_id_token_without_a_subject_records_no_sign_in()
    {
        Idp.IdTokenClaims["sub"] = "";
        var (browser, callback) = await CallbackAsync(Admin);

        await AssertNobodySignedInAsync(browser, callback);
    }

    [Fact]
    public async Task Rfc9700_the_redirect_uri_is_the_consoles_own_address_whatever_the_host_header_says()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = ConsoleAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/runs");
        request.Headers.Host = "evil.example";
        using var challenge = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Found, challenge.StatusCode);
        var query = HttpUtility.ParseQueryString(challenge.Headers.Location!.Query);
        Assert.Equal($"{ConsoleAddress}signin-oidc", query["redirect_uri"]);
    }

    [Fact]
    public async Task OidcDiscovery43_a_provider_whose_discovery_names_another_issuer_is_not_used()
    {
        Idp.DiscoveryIssuer = "https://evil.example";
        var browser = NewBrowser();
        var refused = await browser.GetAsync("/runs");

        Assert.True(refused.Status == HttpStatusCode.BadGateway, refused.ToString());
        Assert.True(refused.HasElement("error"), refused.ToString());
        Assert.Contains("console.oidc.issuer", refused.Html, StringComparison.Ordinal);
        Assert.Null(refused.Location);
        Assert.Empty(Idp.AuthorizationRequests);
    }

    private async Task AssertNobodySignedInAsync(ConsoleBrowser browser, ConsoleBrowser.Page callback)
    {
        Assert.True(callback.Status == HttpStatusCode.BadRequest, callback.ToString());
        Assert.True(callback.HasElement("error"), callback.ToString());
        Assert.DoesNotContain("mandate-console", browser.Cookies.Keys);
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync("/runs")).Status);
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.ConsoleSignIn));
    }
}
