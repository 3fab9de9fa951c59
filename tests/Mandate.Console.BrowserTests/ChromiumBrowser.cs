using Microsoft.Playwright;

namespace Mandate.Console.BrowserTests;

/// <summary>
/// One headless Chromium for the test collection, driven by Playwright. Uses the system browser (CHROMIUM_PATH, else
/// /usr/bin/chromium): the tests never download one.
/// </summary>
public sealed class ChromiumBrowser : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public static string? ExecutablePath =>
        new[] { Environment.GetEnvironmentVariable("CHROMIUM_PATH"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
            .FirstOrDefault(path => !string.IsNullOrEmpty(path) && File.Exists(path));

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var executable = ExecutablePath ?? throw new InvalidOperationException("Chromium not found: install it (apt-get install chromium) or set CHROMIUM_PATH");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // Chromium's sandbox needs user namespaces, which CI containers running as root do not give.
            ChromiumSandbox = false,
            Timeout = 30_000,
        });
    }

    /// <summary>A fresh context (its own cookies) with a bounded default timeout for every action.</summary>
    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        // Bounded, but with room for the full test run: the browser shares the CPU with every other test project, and a
        // first sign-in (provider and console starting cold) went past 30 s there.
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ChromiumTestGroup : ICollectionFixture<ChromiumBrowser>
{
    public const string Name = "chromium";
}
