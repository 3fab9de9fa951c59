using System.Net;
using System.Security.Cryptography;
using Mandate.Server.Tests.Approvals;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Console;

/// <summary>
/// A real broker (the approvals configuration) with the console on its own loopback listener, signing people in
/// with a <see cref="TestIdentityProvider"/>: viewers, approvers and admins by their <c>roles</c> claim.
/// </summary>
public abstract class ConsoleTest : ApprovalTest
{
    private TestIdentityProvider? _idp;
    private readonly List<ConsoleBrowser> _browsers = [];

    internal TestIdentityProvider Idp => _idp ?? throw new InvalidOperationException("the identity provider is not started");

    internal static readonly TestUser Viewer = new("viewer-1", "Vera Viewer", ["viewers"]);
    internal static readonly TestUser Approver = new("approver-1", "Alice Approver", ["approvers", "viewers"]);
    internal static readonly TestUser Admin = new("admin-1", "Adam Admin", ["admins"]);
    internal static readonly TestUser Stranger = new("stranger-1", "Sam Stranger", ["marketing"]);

    /// <summary><c>console.approvers</c>; default none (approvers decide every approval).</summary>
    protected virtual string ApproverLimits => "{}";

    protected override string Configuration => base.Configuration + $$"""

        console:
          listen: http://127.0.0.1:0
          approvers: {{ApproverLimits}}
          oidc:
            issuer: {{Idp.Issuer}}
            client_id: {{TestIdentityProvider.ClientId}}
            client_secret_file: console-secret.txt
            roles: { viewer: [viewers], approver: [approvers], admin: [admins] }
        """;

    public override async Task InitializeAsync()
    {
        _idp = await TestIdentityProvider.StartAsync();
        await base.InitializeAsync();
    }

    protected override Task PrepareAsync(string directory) =>
        File.WriteAllTextAsync(Path.Combine(directory, "console-secret.txt"), TestIdentityProvider.ClientSecret + "\n");

    public override async Task DisposeAsync()
    {
        foreach (var browser in _browsers)
        {
            browser.Dispose();
        }

        await base.DisposeAsync();
        if (_idp is not null)
        {
            await _idp.DisposeAsync();
        }
    }

    internal Uri ConsoleAddress => Broker.App.ConsoleAddress ?? throw new InvalidOperationException("the console is not listening");

    /// <summary>A browser with no session yet.</summary>
    internal ConsoleBrowser NewBrowser()
    {
        var browser = new ConsoleBrowser(ConsoleAddress);
        _browsers.Add(browser);
        return browser;
    }

    /// <summary>
    /// A pending approval asked with a user token that <paramref name="user"/>'s own identity provider issued for them: a
    /// real approval asked by the agent, stored again as the same person's (the test provider issues no user tokens).
    /// </summary>
    internal async Task<string> AskedForAsync(TestUser user, string? issuer = null)
    {
        var store = Broker.Runtime.Store;
        var asked = (await store.GetApprovalAsync(await AskAsync(Broker.RefundRequest()), CancellationToken.None))!;
        var mine = asked with
        {
            Id = "areq_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            BindingHash = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            User = user.Subject,
            UserIssuer = issuer ?? Idp.Issuer.ToString(),
        };
        Assert.True(await store.TryInsertApprovalAsync(mine, [], CancellationToken.None));
        return mine.Id;
    }

    /// <summary>Signs <paramref name="user"/> in through the identity provider (code + PKCE), as a browser follows the redirects.</summary>
    internal async Task<ConsoleBrowser> SignInAsync(TestUser user)
    {
        var (browser, callback) = await CallbackAsync(user);
        Assert.True(callback.Status == HttpStatusCode.Found, callback.ToString());
        return browser;
    }

    /// <summary>
    /// Goes to the provider as <paramref name="user"/> from the page at <paramref name="start"/> (where the console sends the
    /// browser back after the sign-in) and brings the provider's answer back to the console's callback.
    /// </summary>
    internal async Task<(ConsoleBrowser Browser, ConsoleBrowser.Page Callback)> CallbackAsync(TestUser user, string start = "/runs")
    {
        var browser = NewBrowser();
        var challenge = await browser.GetAsync(start);
        Assert.True(challenge.Status == HttpStatusCode.Found, challenge.ToString());
        Idp.NextUser = user;
        using var idpHttp = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var authorize = await idpHttp.GetAsync(challenge.Location);
        Assert.Equal(HttpStatusCode.Found, authorize.StatusCode);
        return (browser, await browser.GetAsync(authorize.Headers.Location!.ToString()));
    }

    /// <summary>A one-time admin session, as <c>mandate console login</c> and a confirmation give it.</summary>
    internal async Task<ConsoleBrowser> OneTimeAdminAsync()
    {
        using var admin = Broker.Admin();
        var (url, _) = await admin.CreateConsoleLoginAsync();
        var browser = NewBrowser();
        var signedIn = await browser.ConfirmAsync(url.PathAndQuery);
        Assert.True(signedIn.Status == HttpStatusCode.Found, signedIn.ToString());
        return browser;
    }
}
