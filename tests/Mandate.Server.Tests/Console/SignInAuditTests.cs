using System.Net;
using Mandate.Core.Audit;
using Mandate.Server.Console;

namespace Mandate.Server.Tests.Console;

/// <summary>Every console sign-in, and every refused one, is an audit record: who, which role, how; never a token or code.</summary>
public sealed class SignInAuditTests : ConsoleTest
{
    [Fact]
    public async Task A_sign_in_with_the_provider_is_recorded_with_the_user_issuer_subject_and_role()
    {
        await SignInAsync(Approver);

        var record = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ConsoleSignIn));
        Assert.Equal("signed_in", record.Outcome);
        Assert.Null(record.Reason);
        Assert.Equal(Broker.Options.Node, record.Node);
        Assert.Equal(Idp.Issuer.ToString().TrimEnd('/'), record.Evidence["issuer"].TrimEnd('/'));
        Assert.Equal(Approver.Subject, record.Evidence["subject"]);
        Assert.Equal(("approver", ConsoleSignInAudit.ByIdentityProvider), (record.Evidence["role"], record.Evidence["method"]));
        Assert.StartsWith($"console:{Approver.Name} (", record.Evidence["console_user"], StringComparison.Ordinal);
        AssertNoToken(record);
    }

    [Fact]
    public async Task A_sign_in_without_a_console_role_is_recorded_as_refused()
    {
        var browser = await SignInAsync(Stranger);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/runs")).Status);

        var record = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ConsoleSignIn));
        Assert.Equal("refused", record.Outcome);
        Assert.Contains("no console role", record.Reason, StringComparison.Ordinal);
        Assert.Equal((Stranger.Subject, "none"), (record.Evidence["subject"], record.Evidence["role"]));
        AssertNoToken(record);
    }

    [Fact]
    public async Task A_one_time_link_sign_in_is_recorded_without_its_code()
    {
        using var admin = Broker.Admin();
        var (url, _) = await admin.CreateConsoleLoginAsync();
        var code = System.Web.HttpUtility.ParseQueryString(url.Query)["code"]!;
        var browser = NewBrowser();
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.ConsoleSignIn));
        var signedIn = await browser.ConfirmAsync(url.PathAndQuery);
        Assert.Equal(HttpStatusCode.Found, signedIn.Status);

        var record = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ConsoleSignIn));
        Assert.Equal("signed_in", record.Outcome);
        Assert.Equal((Broker.Options.Issuer, "admin", ConsoleSignInAudit.ByOneTimeLink), (record.Evidence["issuer"], record.Evidence["role"], record.Evidence["method"]));
        Assert.Equal("one-time:" + ConsoleLoginCodes.Label(code), record.Evidence["subject"]);
        Assert.DoesNotContain(record.Evidence.Values, v => v.Contains(code, StringComparison.Ordinal));

        // The used link signs nobody in again, and records nothing more.
        var again = NewBrowser();
        Assert.Equal(HttpStatusCode.BadRequest, (await again.GetAsync(url.PathAndQuery)).Status);
        Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ConsoleSignIn));
    }

    [Fact]
    public async Task A_forged_callback_records_no_sign_in()
    {
        var browser = NewBrowser();
        var refused = await browser.GetAsync("/signin-oidc?code=forged&state=forged");

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.ConsoleSignIn));
    }

    private static void AssertNoToken(AuditEvent record)
    {
        foreach (var value in record.Evidence.Values.Append(record.Reason ?? ""))
        {
            // A JWT's header and payload, not a bare "eyJ" that a random id may hold by chance.
            Assert.DoesNotMatch(@"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.", value);
            Assert.DoesNotContain("idp-access-token", value, StringComparison.Ordinal);
        }
    }
}
