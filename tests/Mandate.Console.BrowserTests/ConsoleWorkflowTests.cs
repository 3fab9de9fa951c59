using Mandate.Core.Audit;
using Mandate.Server.Tests.Approvals;
using Mandate.Server.Tests.Harness;
using Microsoft.Playwright;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Console.BrowserTests;

/// <summary>
/// What people do in the console, in Chromium, signed in at the OpenID provider: approve the exact tool call an agent
/// waits on, disable an agent, search the audit trail, follow a run's delegation tree. Each change is checked where it
/// matters (the agent's next request, the audit trail), not only on the page. Screenshots go to docs/images when
/// MANDATE_CONSOLE_SCREENSHOTS is set.
/// </summary>
[Collection(ChromiumTestGroup.Name)]
public sealed class ConsoleWorkflowTests(ChromiumBrowser chromium) : IAsyncLifetime
{
    private ConsoleSite _site = null!;
    private IBrowserContext _context = null!;
    private readonly List<string> _policyViolations = [];

    /// <summary>A candidate policy that halves what needs no human: the console shows its diff and what it would change.</summary>
    private static readonly string ShadowPolicy = ApprovalTest.ApprovalPolicy
        .Replace("amount <= 100", "amount <= 50", StringComparison.Ordinal)
        .Replace("Refunds up to 100 need no human.", "Refunds up to 50 need no human.", StringComparison.Ordinal);

    private BrokerHarness Broker => _site.Broker;

    public async Task InitializeAsync()
    {
        _site = await ConsoleSite.StartAsync(ApprovalTest.ApprovalPolicy, ApprovalTest.ApprovalConfiguration + "\nshadow_policy: shadow.yaml\n",
            new Dictionary<string, string> { ["shadow.yaml"] = ShadowPolicy });
        _context = await chromium.NewContextAsync();
        // Any inline script or style the console rendered would be blocked by its CSP and reported here.
        _context.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                _policyViolations.Add(message.Text);
            }
        };
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeAsync();
        await _site.DisposeAsync();
    }

    [ChromiumFact]
    public async Task ApprovingThePendingToolCall_LetsTheAgentsPollSucceed_AndTheAuditNamesTheApprover()
    {
        var id = await AskForBigRefundAsync();
        var page = await _site.SignInAsync(_context, ConsoleSite.Approver, "/approvals");
        Assert.Contains("refund", await page.InnerTextAsync($"#approval-{id}"), StringComparison.Ordinal);
        await ConsoleSite.ScreenshotAsync(page, "approvals");

        await page.ClickAsync($"#approve-{id}");
        await ConsoleSite.ScreenshotAsync(page, "approve-confirm");
        await page.ClickAsync("#confirm");

        Assert.Contains("approved", await page.InnerTextAsync("#result"), StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(Expect.Issued(await PollAsync(id)));
        var decided = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.ApprovalDecided), e => e.Evidence["approval_id"] == id);
        Assert.Contains("Bob Approver", decided.Evidence["approver"], StringComparison.Ordinal);
        Assert.Contains(ConsoleSite.Approver.Id, decided.Evidence["approver"], StringComparison.Ordinal);
        Assert.Empty(_policyViolations);
    }

    [ChromiumFact]
    public async Task AViewer_SeesTheInboxButHasNoApproveButton_AndTheApprovalStaysPending()
    {
        var id = await AskForBigRefundAsync();
        var page = await _site.SignInAsync(_context, ConsoleSite.Viewer, "/approvals");

        Assert.Equal(1, await page.Locator($"#approval-{id}").CountAsync());
        Assert.Equal(0, await page.Locator($"#approve-{id}").CountAsync());
        var forced = await page.GotoAsync(new Uri(_site.Url, $"/approvals/{id}/approve").AbsoluteUri);
        Assert.Equal(403, forced!.Status);
        Assert.Equal("authorization_pending", (await PollAsync(id)).Error);
    }

    [ChromiumFact]
    public async Task MarkupAnAgentWroteIntoAnApproval_IsShownAsText_AndRunsNothing()
    {
        // The agent writes authorization_details; markup in them must reach the approver as the text it is, in the inbox
        // and on the confirmation page, so it can neither run script nor change what the approver reads or clicks.
        const string Hostile = """</code><img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script><a id="approve-x" href="javascript:document.title='pwned'">""";
        var details = $$"""[{"type":"refund","amount":250,"currency":{{System.Text.Json.JsonSerializer.Serialize(Hostile)}}}]""";
        var reply = await Broker.PostFormAsync("oauth2/token", Broker.RefundRequest().ToForm().Append(new("authorization_details", details)));
        Assert.True(reply.Error == "authorization_pending", reply.ToString());
        var id = reply.Member("auth_req_id")!;
        var dialogs = 0;
        var page = await _site.SignInAsync(_context, ConsoleSite.Approver, "/approvals");
        page.Dialog += (_, dialog) => dialogs++;

        foreach (var path in new[] { "/approvals", $"/approvals/{id}/approve" })
        {
            await page.GotoAsync(new Uri(_site.Url, path).AbsoluteUri);
            // The tool call's summary quotes the details as the agent wrote them: the markup is there, as text.
            Assert.Contains("</code><img src=x onerror=", await page.InnerTextAsync("main"), StringComparison.Ordinal);
            Assert.Equal(0, await page.Locator("main img, main script, a[href^='javascript:'], #approve-x").CountAsync());
            Assert.DoesNotContain("pwned", await page.TitleAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, dialogs);
        Assert.Empty(_policyViolations);
    }

    [ChromiumFact]
    public async Task DisablingAnAgent_RefusesItsNextExchange()
    {
        Expect.Issued(await Broker.ExchangeAsync(Broker.RefundRequest()));
        var page = await _site.SignInAsync(_context, ConsoleSite.Admin, "/agents");
        await ConsoleSite.ScreenshotAsync(page, "agents");

        await page.ClickAsync("#disable-acme-example-agents-support");
        await page.ClickAsync("#confirm");

        Assert.Contains("disabled", await page.InnerTextAsync("#result"), StringComparison.Ordinal);
        var refused = await Broker.ExchangeAsync(Broker.RefundRequest());
        Assert.Null(refused.AccessToken);
        Assert.NotNull(refused.Error);
        var kill = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Revocation), e => e.Agent == SupportAgent || e.Evidence.GetValueOrDefault("value") == SupportAgent);
        Assert.Contains("Ada Admin", kill.Evidence["revoked_by"], StringComparison.Ordinal);
        Assert.Empty(_policyViolations);
    }

    [ChromiumFact]
    public async Task AuditSearch_ByRun_FindsItsRecords_AndShowsTheChainVerified()
    {
        var runToken = await Broker.StartRunAsync(OrchestratorAgent);
        var child = await Broker.DelegateAsync(runToken, ExecutorAgent, "refunds:write");
        await Broker.IssueInRunAsync(child, ExecutorAgent);
        var run = RunExchanges.RunId(runToken);
        var page = await _site.SignInAsync(_context, ConsoleSite.Viewer, "/audit");

        await page.FillAsync("#q-run", run);
        await page.ClickAsync("#q-submit");

        Assert.Equal("true", await page.GetAttributeAsync("#chain-status", "data-valid"));
        Assert.True(await page.Locator("#audit-results tbody tr").CountAsync() >= 1);
        Assert.Contains(run, await page.InnerTextAsync("#audit-results"), StringComparison.Ordinal);
        await ConsoleSite.ScreenshotAsync(page, "audit");

        await page.ClickAsync("#nav-runs");
        await ConsoleSite.ScreenshotAsync(page, "runs");
        await page.GotoAsync(new Uri(_site.Url, $"/runs/{run}").AbsoluteUri);
        var nodes = page.Locator("#run-tree .run-node");
        Assert.Equal(2, await nodes.CountAsync());
        Assert.Equal(run, await nodes.Nth(1).GetAttributeAsync("data-parent-id"));
        Assert.Contains(ExecutorAgent, await nodes.Nth(1).InnerTextAsync(), StringComparison.Ordinal);
        await ConsoleSite.ScreenshotAsync(page, "run-tree");
        Assert.Empty(_policyViolations);
    }

    [ChromiumFact]
    public async Task RevocationsAndPolicyPages_Render_WithoutContentSecurityPolicyViolations()
    {
        var page = await _site.SignInAsync(_context, ConsoleSite.Admin, "/revocations");
        await page.FillAsync("#r-value", ExecutorAgent);
        await ConsoleSite.ScreenshotAsync(page, "revocations");

        await page.ClickAsync("#nav-policy");
        Assert.Equal(1, await page.Locator("#policy-versions").CountAsync());
        Assert.Contains("amount <= 50", await page.InnerTextAsync("#policy-diff"), StringComparison.Ordinal);
        await ConsoleSite.ScreenshotAsync(page, "policy");
        Assert.Empty(_policyViolations);
    }

    private async Task<string> AskForBigRefundAsync()
    {
        var reply = await Broker.PostFormAsync("oauth2/token", Broker.RefundRequest().ToForm().Append(new("authorization_details", ApprovalTest.BigRefund)));
        Assert.True(reply.Error == "authorization_pending", reply.ToString());
        return reply.Member("auth_req_id")!;
    }

    private Task<OAuthReply> PollAsync(string id) =>
        Broker.PostFormAsync("oauth2/token",
        [
            new("grant_type", "urn:openid:params:grant-type:ciba"),
            new("auth_req_id", id),
            new("actor_token", Broker.Svid(SupportAgent)),
            new("actor_token_type", ExchangeRequest.JwtType),
        ]);
}
