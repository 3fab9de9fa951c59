using System.Net;
using Mandate.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Mandate.Console.BrowserTests;

/// <summary>
/// The OpenID provider the console signs in against is real and strict: these prove the refusals the console's
/// security rests on (PKCE required, exact redirect URIs, passwords checked, codes single-use) before any console test.
/// </summary>
[Collection(ChromiumTestGroup.Name)]
public sealed class OidcProviderTests(ChromiumBrowser chromium) : IAsyncLifetime
{
    private static readonly OidcTestUser Alice = new("alice", "correct horse battery", "Alice Approver", ["approver"]);
    private OidcProviderProcess _provider = null!;
    private RedirectReceiver _receiver = null!;
    private ProviderFlow _flow = null!;
    private OidcTestClient _client = null!;

    public async Task InitializeAsync()
    {
        _receiver = await RedirectReceiver.StartAsync();
        _provider = await OidcProviderProcess.StartAsync(Alice);
        _client = await _provider.RegisterClientAsync(_receiver.RedirectUri);
        _flow = new ProviderFlow(_provider, _client, _receiver);
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [ChromiumFact]
    public async Task CodeFlowWithPkce_IssuesAnIdTokenSignedByTheProvider_WithTheRolesClaim()
    {
        var (code, pkce) = await SignInAsync();
        var (status, body) = await _flow.RedeemAsync(code, pkce.Verifier);

        Assert.Equal(HttpStatusCode.OK, status);
        using var http = new HttpClient();
        var keys = new JsonWebKeySet(await http.GetStringAsync(new Uri(_provider.Issuer, "/jwks"))).GetSigningKeys();
        var validated = await new JsonWebTokenHandler().ValidateTokenAsync(body.GetProperty("id_token").GetString(), new TokenValidationParameters
        {
            ValidIssuer = _provider.IssuerText,
            ValidAudience = _client.ClientId,
            IssuerSigningKeys = keys,
        });
        Assert.True(validated.IsValid, validated.Exception?.Message);
        Assert.Equal("alice", validated.Claims["sub"]);
        Assert.Contains("approver", validated.ClaimsIdentity.FindAll("roles").Select(c => c.Value));
    }

    [ChromiumFact]
    public async Task AuthorizationRequestWithoutPkce_IsRefused()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(_flow.AuthorizeUrl(pkce: null).AbsoluteUri);

        // The redirect URI is registered, so the error goes back to it.
        var answer = await _receiver.NextAsync();
        Assert.Equal("invalid_request", answer["error"]);
        Assert.Contains("PKCE", answer["error_description"], StringComparison.Ordinal);
        Assert.False(answer.ContainsKey("code"));
    }

    [ChromiumFact]
    public async Task UnregisteredRedirectUri_IsRefusedOnTheProvidersPage_NeverRedirected()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(_flow.AuthorizeUrl(Pkce.Create(), redirect: new Uri(_receiver.RedirectUri, "/elsewhere")).AbsoluteUri);

        Assert.Equal(400, response!.Status);
        Assert.StartsWith(_provider.IssuerText, page.Url, StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task WrongPassword_IsRefused_AndNoCodeIssued()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var answer = await _flow.SignInAsync(page, _flow.AuthorizeUrl(Pkce.Create()), "alice", "wrong password");

        Assert.Contains("Wrong user name or password", answer["page_error"], StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task ConsentDenied_ReturnsAccessDenied()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var answer = await _flow.SignInAsync(page, _flow.AuthorizeUrl(Pkce.Create()), Alice.Id, Alice.Password, allow: false);

        Assert.Equal("access_denied", answer["error"]);
        Assert.False(answer.ContainsKey("code"));
    }

    [ChromiumFact]
    public async Task WrongVerifier_WrongSecret_AndReusedCode_AreRefused()
    {
        var (code, _) = await SignInAsync();

        Assert.Equal("invalid_grant", (await _flow.RedeemAsync(code, Pkce.Create().Verifier)).Body.GetProperty("error").GetString());
        var (second, secondPkce) = await SignInAsync();
        Assert.Equal("invalid_client", (await _flow.RedeemAsync(second, secondPkce.Verifier, secret: "not-the-secret")).Body.GetProperty("error").GetString());
        var (third, thirdPkce) = await SignInAsync();
        Assert.Equal(HttpStatusCode.OK, (await _flow.RedeemAsync(third, thirdPkce.Verifier)).Status);
        Assert.Equal("invalid_grant", (await _flow.RedeemAsync(third, thirdPkce.Verifier)).Body.GetProperty("error").GetString());
    }

    private async Task<(string Code, Pkce Pkce)> SignInAsync()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var pkce = Pkce.Create();
        var answer = await _flow.SignInAsync(page, _flow.AuthorizeUrl(pkce), Alice.Id, Alice.Password);
        Assert.Equal("state-1", answer["state"]);
        return (answer["code"], pkce);
    }
}
