using System.Text.RegularExpressions;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;
using Microsoft.Playwright;

namespace Mandate.Console.BrowserTests;

/// <summary>
/// A real broker with its web console on loopback, signing people in at a real OpenID provider (the company's IdP in
/// production) whose users are the ones below. The broker's clock starts at today: the browser keeps its own time and
/// would drop cookies stamped with another year.
/// </summary>
public sealed class ConsoleSite : IAsyncDisposable
{
    public static readonly OidcTestUser Admin = new("ada", "ada's long passphrase", "Ada Admin", ["mandate-admins"]);
    public static readonly OidcTestUser Approver = new("bob", "bob's long passphrase", "Bob Approver", ["mandate-approvers"]);
    public static readonly OidcTestUser Viewer = new("vic", "vic's long passphrase", "Vic Viewer", ["mandate-viewers"]);
    public static readonly OidcTestUser Outsider = new("eve", "eve's long passphrase", "Eve Outsider", ["marketing"]);

    private readonly string _directory;

    private ConsoleSite(OidcProviderProcess provider, BrokerHarness broker, string directory)
    {
        Provider = provider;
        Broker = broker;
        _directory = directory;
    }

    public OidcProviderProcess Provider { get; }

    public BrokerHarness Broker { get; }

    public Uri Url => Broker.App.ConsoleAddress ?? throw new InvalidOperationException("the console is not listening");

    /// <param name="policy">policy.yaml.</param>
    /// <param name="configuration">mandate.yaml without its <c>console:</c> section.</param>
    /// <param name="files">Other files the configuration names (a shadow policy), by name in the data folder.</param>
    public static async Task<ConsoleSite> StartAsync(string policy, string configuration, IReadOnlyDictionary<string, string>? files = null)
    {
        var provider = await OidcProviderProcess.StartAsync(Admin, Approver, Viewer, Outsider);
        var directory = Path.Combine(Path.GetTempPath(), "mdc-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(directory);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "policy.yaml"), policy);
            foreach (var (name, text) in files ?? new Dictionary<string, string>())
            {
                await File.WriteAllTextAsync(Path.Combine(directory, name), text);
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var broker = await StartBrokerAsync(provider, directory, configuration);
                    return new ConsoleSite(provider, broker, directory);
                }
                catch (Mandate.Server.Hosting.ListenerInUseException) when (attempt < 5)
                {
                    // The console's port was taken between the probe and the bind: register another redirect URI and retry.
                }
            }
        }
        catch
        {
            await provider.DisposeAsync();
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>The broker over <paramref name="directory"/>, its console on a free port the provider redirects to.</summary>
    private static async Task<BrokerHarness> StartBrokerAsync(OidcProviderProcess provider, string directory, string configuration)
    {
        // The provider must know the exact redirect URI before the broker (which needs the client id) starts.
        var port = LoopbackPort.Free();
        var client = await provider.RegisterClientAsync(new Uri($"http://127.0.0.1:{port}/signin-oidc"));
        var secretFile = Path.Combine(directory, "console-client-secret");
        await File.WriteAllTextAsync(secretFile, client.ClientSecret + "\n");
        return await BrokerHarness.StartNodeAsync(directory, "mandate.yaml", configuration + $$"""

            console:
              listen: http://127.0.0.1:{{port}}
              oidc:
                issuer: {{provider.IssuerText}}
                client_id: {{client.ClientId}}
                client_secret_file: {{secretFile}}
                scopes: [openid, profile, roles]
                role_claim: roles
                roles: { viewer: [mandate-viewers], approver: [mandate-approvers], admin: [mandate-admins] }
            """, new ManualTimeProvider(DateTimeOffset.UtcNow));
    }

    /// <summary>Opens the console in <paramref name="context"/> and signs <paramref name="user"/> in at the provider.</summary>
    public async Task<IPage> SignInAsync(IBrowserContext context, OidcTestUser user, string path = "/runs")
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(Url, path).AbsoluteUri);
        await Assertions.Expect(page).ToHaveURLAsync(StartingWith(Provider.IssuerText), Patiently);
        await page.FillAsync("#login", user.Id);
        await page.FillAsync("#password", user.Password);
        await page.ClickAsync("#sign-in");
        await page.ClickAsync("#allow");
        // Polls the page's address. WaitForURL is no good here: once the address already matches it waits for a "load"
        // event from the client's record of load states, which missed the event across the callback's redirect and hung
        // (the CI log showed only "networkidle" arriving). Each test then waits for the elements it reads.
        await Assertions.Expect(page).ToHaveURLAsync(StartingWith(new Uri(Url, path).AbsoluteUri), Patiently);
        return page;
    }

    /// <summary>
    /// Saves a full-page screenshot as console-<paramref name="name"/>.png when MANDATE_CONSOLE_SCREENSHOTS names a
    /// folder (docs/images for the documentation); otherwise does nothing.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("MANDATE_CONSOLE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"console-{name}.png"), FullPage = true });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        await Provider.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The same bound as every other browser action (ChromiumBrowser): a loaded CI machine is slow.</summary>
    private static PageAssertionsToHaveURLOptions Patiently => new() { Timeout = 90_000 };

    private static Regex StartingWith(string address) => new("^" + Regex.Escape(address));
}
