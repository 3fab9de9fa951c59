using System.Net;
using Mandate.Client;
using Mandate.Server.Console;

namespace Mandate.Server.Tests.Console;

/// <summary>The one-time admin login <c>mandate console login</c> prints: once, for ten minutes, never in production.</summary>
public sealed class OneTimeLoginTests : ConsoleTest
{
    [Fact]
    public async Task A_login_link_signs_in_once_as_the_local_admin_and_never_again()
    {
        using var admin = Broker.Admin();
        var (url, expiresAt) = await admin.CreateConsoleLoginAsync();
        Assert.Equal(ConsoleAddress.Port, url.Port);
        Assert.Equal(Broker.Now + ConsoleLoginCodes.Lifetime, expiresAt);

        var browser = NewBrowser();
        // Opening the link (what a link prefetcher does) only shows the confirmation; twice is fine.
        var first = await browser.GetAsync(url.PathAndQuery);
        Assert.True(first.Status == HttpStatusCode.OK, first + Broker.Logs.Text);
        var confirm = await browser.GetAsync(url.PathAndQuery);
        Assert.True(confirm.HasElement("confirm"), confirm.ToString());
        var code = confirm.HiddenFields().Single(f => f.Name == "code").Value;

        var signedIn = await browser.PostAsync("/login/one-time", confirm.Token(), ("code", code));
        Assert.Equal(HttpStatusCode.Found, signedIn.Status);
        Assert.Equal("/runs", signedIn.Location!.ToString());
        var runs = await browser.GetAsync("/runs");
        Assert.Equal(HttpStatusCode.OK, runs.Status);
        Assert.Contains("local-admin (one-time login) · admin", runs.Html, StringComparison.Ordinal);

        // The same code again, from a fresh browser with a valid form token: refused, and no session is made.
        var second = NewBrowser();
        Assert.Equal(HttpStatusCode.BadRequest, (await second.GetAsync("/login/one-time?code=unknown")).Status);
        var (other, _) = await admin.CreateConsoleLoginAsync();
        var page = await second.GetAsync(other.PathAndQuery);
        var reused = await second.PostAsync("/login/one-time", page.Token(), ("code", code));
        Assert.Equal(HttpStatusCode.BadRequest, reused.Status);
        Assert.DoesNotContain("mandate-console", second.Cookies.Keys);
        Assert.Equal(HttpStatusCode.BadRequest, (await second.GetAsync(url.PathAndQuery)).Status);
    }

    [Fact]
    public async Task An_expired_link_is_refused()
    {
        using var admin = Broker.Admin();
        var (url, _) = await admin.CreateConsoleLoginAsync();
        var browser = NewBrowser();
        var confirm = await browser.GetAsync(url.PathAndQuery);
        var code = confirm.HiddenFields().Single(f => f.Name == "code").Value;

        Broker.Clock.Advance(ConsoleLoginCodes.Lifetime);
        var late = await browser.PostAsync("/login/one-time", confirm.Token(), ("code", code));
        Assert.Equal(HttpStatusCode.BadRequest, late.Status);
        Assert.DoesNotContain("mandate-console", browser.Cookies.Keys);
    }

    [Fact]
    public async Task A_login_post_without_its_form_token_is_refused_and_keeps_the_code()
    {
        using var admin = Broker.Admin();
        var (url, _) = await admin.CreateConsoleLoginAsync();
        var code = System.Web.HttpUtility.ParseQueryString(url.Query)["code"]!;
        var browser = NewBrowser();
        var forged = await browser.PostAsync("/login/one-time", token: null, ("code", code));
        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        Assert.DoesNotContain("mandate-console", browser.Cookies.Keys);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(url.PathAndQuery)).Status);
    }
}

/// <summary>In production the broker never hands out a one-time login (nor when the console is off).</summary>
public sealed class OneTimeLoginRefusalTests
{
    [Theory]
    [InlineData("production")]
    [InlineData("prod")]
    [InlineData("PROD")]
    public async Task The_broker_refuses_a_one_time_login_in_production(string environment)
    {
        var refused = await LoginOnAsync(options => options with { Environment = environment });
        Assert.Equal(ConsoleChecks.OneTimeLoginRefused, refused.CheckId);
        Assert.Contains(environment, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_broker_refuses_a_one_time_login_when_the_console_is_off()
    {
        var refused = await LoginOnAsync(options => options with { Console = new Mandate.Core.Configuration.ConsoleOptions() });
        Assert.Equal(ConsoleChecks.Disabled, refused.CheckId);
    }

    /// <summary>
    /// A real broker whose loaded options are then changed (production refuses the development signers the
    /// test configuration uses, so the environment is set after loading), asked for a login on its admin socket.
    /// </summary>
    private static async Task<MandateErrorException> LoginOnAsync(Func<Mandate.Core.Configuration.MandateOptions, Mandate.Core.Configuration.MandateOptions> change)
    {
        var directory = Path.Combine(Path.GetTempPath(), "mdt-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(directory);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "policy.yaml"), Harness.TestBroker.Policy);
            await File.WriteAllTextAsync(Path.Combine(directory, "mandate.yaml"), Harness.TestBroker.Configuration + "\nconsole: { listen: http://127.0.0.1:0 }\n");
            var options = change(Mandate.Core.Configuration.ConfigLoader.LoadFile(Path.Combine(directory, "mandate.yaml")));
            await using var app = await Mandate.Server.Hosting.MandateServer.CreateAsync(options, new Mandate.Server.Hosting.MandateHostOptions
            {
                ListenUrl = "http://127.0.0.1:0",
                GetEnvironment = _ => null,
                WatchPolicy = false,
                LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
            });
            await app.StartAsync();
            using var admin = new MandateAdminClient(options.AdminSocket);
            return await Assert.ThrowsAsync<MandateErrorException>(() => admin.CreateConsoleLoginAsync());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
