using Mandate.Testing;

namespace Mandate.Console.BrowserTests;

/// <summary>
/// A test that needs Chromium (Debian's <c>chromium</c>, or the binary named by CHROMIUM_PATH). Without one it is
/// skipped on a developer machine with the reason; in CI (CI=true) it runs and fails, because a missing browser there
/// means the console went untested.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (ChromiumBrowser.ExecutablePath is null && !TestPostgresServer.InCi)
        {
            Skip = "Chromium not found: install it (apt-get install chromium) or set CHROMIUM_PATH to run the browser tests";
        }
    }
}
