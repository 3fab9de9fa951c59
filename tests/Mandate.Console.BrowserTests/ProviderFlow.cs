using System.Net;
using System.Text.Json;
using Mandate.Testing;
using Microsoft.Playwright;

namespace Mandate.Console.BrowserTests;

/// <summary>
/// Drives the authorization code flow at the test OpenID provider as a relying party would, so the provider's own
/// checks are proven before the console relies on them.
/// </summary>
internal sealed class ProviderFlow(OidcProviderProcess provider, OidcTestClient client, RedirectReceiver receiver)
{
    public Uri AuthorizeUrl(Pkce? pkce, string state = "state-1", Uri? redirect = null)
    {
        var query = new Dictionary<string, string>
        {
            ["client_id"] = client.ClientId,
            ["response_type"] = "code",
            ["scope"] = "openid profile roles",
            ["redirect_uri"] = (redirect ?? receiver.RedirectUri).AbsoluteUri,
            ["state"] = state,
            ["nonce"] = "nonce-1",
        };
        if (pkce is not null)
        {
            query["code_challenge"] = pkce.Challenge;
            query["code_challenge_method"] = "S256";
        }

        return new Uri(provider.Issuer, "/auth?" + string.Join('&', query.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value))));
    }

    /// <summary>Opens <paramref name="authorize"/>, signs in and answers the consent page; the redirect's query.</summary>
    public async Task<IReadOnlyDictionary<string, string>> SignInAsync(IPage page, Uri authorize, string login, string password, bool allow = true)
    {
        await page.GotoAsync(authorize.AbsoluteUri);
        await page.FillAsync("#login", login);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
        if (await page.Locator("#error").CountAsync() > 0)
        {
            return new Dictionary<string, string> { ["page_error"] = await page.InnerTextAsync("#error") };
        }

        await page.ClickAsync(allow ? "#allow" : "#deny");
        return await receiver.NextAsync();
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> RedeemAsync(string code, string verifier, string? secret = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.PostAsync(new Uri(provider.Issuer, "/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = receiver.RedirectUri.AbsoluteUri,
            ["code_verifier"] = verifier,
            ["client_id"] = client.ClientId,
            ["client_secret"] = secret ?? client.ClientSecret,
        }));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
