using Mandate.Core.Configuration;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Console;

/// <summary><c>console:</c> in mandate.yaml: off by default, loopback unless https, every mistake reported with its place.</summary>
public sealed class ConsoleConfigTests
{
    private static MandateOptions Load(string console) => ConfigLoader.Parse(TestBroker.Configuration + "\n" + console, "mandate.yaml");

    private static string Problems(string console) => Assert.Throws<MandateConfigException>(() => Load(console)).Message;

    [Fact]
    public void The_console_is_off_unless_listen_is_set()
    {
        var options = ConfigLoader.Parse(TestBroker.Configuration, "mandate.yaml");
        Assert.False(options.Console.Enabled);
        Assert.Null(options.Console.Oidc);
        Assert.False(options.Console.Approvers.AllowSelf);
    }

    [Fact]
    public void A_full_console_section_is_read()
    {
        var options = Load("""
            console:
              listen: http://127.0.0.1:8470
              public_url: https://console.acme.example
              idle_timeout: 5m
              session_max: 2h
              approvers: { tenants: [acme], tools: [refunds], allow_self: true }
              oidc:
                issuer: https://login.acme.example
                client_id: mandate
                client_secret_env: MANDATE_CONSOLE_SECRET
                scopes: [openid, profile, email]
                role_claim: groups
                roles: { viewer: [ops], approver: [finance], admin: [sec] }
            """).Console;
        Assert.Equal("http://127.0.0.1:8470", options.Listen);
        Assert.Equal(new Uri("https://console.acme.example"), options.PublicUrl);
        Assert.Equal(TimeSpan.FromMinutes(5), options.IdleTimeout);
        Assert.Equal(TimeSpan.FromHours(2), options.SessionMax);
        Assert.True(options.Approvers.Allows("acme", "refunds"));
        Assert.False(options.Approvers.Allows("globex", "refunds"));
        Assert.False(options.Approvers.Allows("acme", "crm"));
        Assert.True(options.Approvers.AllowSelf);
        var oidc = options.Oidc!;
        Assert.Equal(("groups", "MANDATE_CONSOLE_SECRET", false), (oidc.RoleClaim, oidc.ClientSecret?.EnvironmentVariable, oidc.IsLoopbackIssuer));
        Assert.Equal(["ops"], oidc.Viewers);
        Assert.Equal(["finance"], oidc.Approvers);
        Assert.Equal(["sec"], oidc.Admins);
    }

    [Theory]
    [InlineData("console: { listen: http://0.0.0.0:8470 }", "reachable beyond this machine over plain http")]
    [InlineData("console: { listen: http://10.1.2.3:8470 }", "reachable beyond this machine over plain http")]
    [InlineData("console: { listen: https://0.0.0.0:8470 }", "no tls: certificate is configured")]
    [InlineData("console: { listen: ftp://127.0.0.1:1 }", "must be an http://address:port URL")]
    [InlineData("console: { listen: http://127.0.0.1:8470, public_url: not-a-url }", "public_url")]
    [InlineData("console: { listen: http://127.0.0.1:8470, oidc: { issuer: http://login.acme.example, client_id: c, roles: { admin: [a] } } }", "must be https")]
    [InlineData("console: { listen: http://127.0.0.1:8470, oidc: { issuer: https://login.acme.example, client_id: c } }", "nobody could sign in")]
    [InlineData("console: { listen: http://127.0.0.1:8470, oidc: { issuer: https://login.acme.example, roles: { admin: [a] } } }", "client_id")]
    [InlineData("console: { listen: http://127.0.0.1:8470, oidc: { issuer: https://l.example, client_id: c, client_secret_env: A, client_secret_file: b, roles: { admin: [a] } } }", "not both")]
    [InlineData("console: { listen: http://127.0.0.1:8470, oidc: { issuer: https://l.example, client_id: c, scopes: [profile], roles: { admin: [a] } } }", "must include openid")]
    [InlineData("console: { listen: http://127.0.0.1:8470, colour: blue }", "colour")]
    [InlineData("console: { listen: http://127.0.0.1:8470, approvers: { allow_self: maybe } }", "allow_self")]
    [InlineData("console: { listen: http://127.0.0.1:8470, approvers: { allow_selfs: true } }", "allow_self")]
    [InlineData("console: { listen: http://127.0.0.1:8470, idle_timeout: 30m, session_max: 10m }", "session_max: must be at least idle_timeout (30m)")]
    public void Mistakes_are_reported_with_their_place(string console, string expected)
    {
        var message = Problems(console);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Contains("mandate.yaml:", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_approvers_tool_not_defined_under_tools_is_reported_with_the_closest_name()
    {
        var message = Problems("console: { listen: http://127.0.0.1:8470, approvers: { tools: [refund] } }");

        Assert.Contains("console.approvers.tools: tool 'refund' is not defined under tools; did you mean 'refunds'?", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loopback_issuer_may_be_plain_http()
    {
        var oidc = Load("console: { listen: 'http://[::1]:8470', oidc: { issuer: http://127.0.0.1:9000/realm, client_id: c, roles: { viewer: [v] } } }").Console.Oidc!;
        Assert.True(oidc.IsLoopbackIssuer);
    }
}
