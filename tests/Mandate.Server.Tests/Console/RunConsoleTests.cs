using System.Net;
using System.Text.RegularExpressions;
using Mandate.Server.Tests.Harness;
using static Mandate.Server.Tests.Harness.RunExchanges;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Console;

/// <summary>Runs in the console: the list with its filters, one run as its delegation tree, and revoking a run from the console.</summary>
public sealed partial class RunConsoleTests : ConsoleTest
{
    protected override string Policy => TestBroker.Policy;

    [Fact]
    public async Task A_run_opens_as_its_delegation_tree_with_each_nodes_decisions_and_credentials()
    {
        var (root, child, grandchild, credentials) = await RunTreeAsync();
        var viewer = await SignInAsync(Viewer);

        var list = await viewer.GetAsync("/runs");
        foreach (var run in new[] { root, child, grandchild })
        {
            Assert.Contains($"data-run-id=\"{run}\"", list.Html, StringComparison.Ordinal);
        }

        var filtered = await viewer.GetAsync($"/runs?agent={Uri.EscapeDataString(ExecutorAgent)}");
        Assert.Equal([child], RunRows().Matches(filtered.Html).Select(m => m.Groups[1].Value));
        Assert.Contains("http-equiv=\"refresh\"", (await viewer.GetAsync("/runs?live=1")).Html, StringComparison.Ordinal);

        // Opened at the grandchild, the page shows the whole tree from the root, nested parent → child.
        var tree = await viewer.GetAsync($"/runs/{grandchild}");
        Assert.True(tree.HasElement("run-tree"), tree.ToString());
        Assert.Equal([(root, ""), (child, root), (grandchild, child)], RunNodes().Matches(tree.Html).Select(m => (m.Groups[1].Value, m.Groups[2].Value)));
        foreach (var credential in credentials)
        {
            Assert.Contains($"data-jti=\"{IssuedTokens.Read(credential).Id}\" data-state=\"usable\"", tree.Html, StringComparison.Ordinal);
        }

        Assert.Contains(RefundsWorkload, tree.Html, StringComparison.Ordinal);
        Assert.Contains("executor-refunds-for-supervisor", tree.Html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/runs/no-such-run")).Status);
    }

    [Fact]
    public async Task An_admin_revokes_a_run_from_the_console_and_its_credentials_die()
    {
        var (_, child, grandchild, credentials) = await RunTreeAsync();
        var admin = await OneTimeAdminAsync();
        var revocations = await admin.GetAsync("/revocations");
        Assert.True(revocations.HasElement("revoke-form"), revocations.ToString());

        var done = await admin.ConfirmAsync($"/revocations/confirm?target=run&value={child}", "runaway executor");
        Assert.True(done.Status == HttpStatusCode.OK, done.ToString());
        Assert.False(await Broker.ActiveAsync(credentials[1]));
        Assert.True(await Broker.ActiveAsync(credentials[0]));
        Assert.Contains($"data-jti=\"{IssuedTokens.Read(credentials[1]).Id}\" data-state=\"revoked\"", (await admin.GetAsync($"/runs/{grandchild}")).Html, StringComparison.Ordinal);
        Assert.Contains("runaway executor", (await admin.GetAsync("/revocations")).Html, StringComparison.Ordinal);

        var viewer = await SignInAsync(Viewer);
        Assert.False((await viewer.GetAsync("/revocations")).HasElement("revoke-form"));
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync($"/revocations/confirm?target=run&value={grandchild}")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/revocations/confirm?target=planet&value=earth")).Status);
        Assert.True(await Broker.ActiveAsync(credentials[0]));
    }

    [Theory]
    [InlineData("live-on", "")]
    [InlineData("live-off", "&live=1")]
    public async Task Rfc3986_the_live_links_keep_each_filter_value_percent_encoded(string link, string live)
    {
        // A user filter holding '&', '=', '#', '+' and '%': read back from the link, each value is what was filtered by.
        const string User = "dave&live=0#x+y%41";
        var viewer = await SignInAsync(Viewer);

        var page = await viewer.GetAsync($"/runs?agent={Uri.EscapeDataString(ExecutorAgent)}&user={Uri.EscapeDataString(User)}{live}");

        var href = System.Net.WebUtility.HtmlDecode(Regex.Match(page.Html, $"id=\"{link}\" href=\"([^\"]*)\"").Groups[1].Value);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(ConsoleAddress, href).Query);
        Assert.Equal(ExecutorAgent, query["agent"].ToString());
        Assert.Equal(User, query["user"].ToString());
        Assert.Equal(live.Length == 0 ? "1" : "", query.GetValueOrDefault("live").ToString());
    }

    /// <summary>orchestrator → executor → checker, each with a refunds credential the refunds tool accepted.</summary>
    private async Task<(string Root, string Child, string Grandchild, string[] Credentials)> RunTreeAsync()
    {
        var root = await Broker.StartRunAsync(OrchestratorAgent);
        var child = await Broker.DelegateAsync(root, ExecutorAgent);
        var grandchild = await Broker.DelegateAsync(child, CheckerAgent, "refunds:read");
        string[] credentials =
        [
            await Broker.IssueInRunAsync(root, OrchestratorAgent),
            await Broker.IssueInRunAsync(child, ExecutorAgent),
            await Broker.IssueInRunAsync(grandchild, CheckerAgent, scope: "refunds:read"),
        ];
        foreach (var credential in credentials)
        {
            Assert.True(await Broker.ActiveAsync(credential));
        }

        return (RunId(root), RunId(child), RunId(grandchild), credentials);
    }

    [GeneratedRegex("<tr class=\"run\" data-run-id=\"([^\"]+)\"")]
    private static partial Regex RunRows();

    [GeneratedRegex("<section class=\"run-node[^\"]*\" data-run-id=\"([^\"]+)\" data-parent-id=\"([^\"]*)\"")]
    private static partial Regex RunNodes();
}
