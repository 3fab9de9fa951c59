using System.Net;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Console;

/// <summary>The policy page: the version in force and, with a shadow policy, the diff and the decisions that would differ.</summary>
public sealed class PolicyConsoleTests : ConsoleTest
{
    private const string CandidateRuleId = "support-refunds-read-only";

    protected override string Policy => TestBroker.Policy;

    protected override string Configuration => base.Configuration + "\nshadow_policy: shadow.yaml\n";

    protected override async Task PrepareAsync(string directory)
    {
        await base.PrepareAsync(directory);
        // The candidate lets support agents only read refunds: the refund the active policy allows differs.
        await File.WriteAllTextAsync(Path.Combine(directory, "shadow.yaml"), $"""
            rules:
              - id: {CandidateRuleId}
                reason: Support agents read refunds while refunds are frozen.
                effect: allow
                agents: ["spiffe://acme.example/agents/support"]
                tools: [refunds]
                scopes: [refunds:read]
            """);
    }

    [Fact]
    public async Task The_policy_page_shows_the_version_the_diff_and_the_shadow_differences()
    {
        await Broker.IssueAsync(Broker.RefundRequest());
        // The shadow decision is recorded beside the request, not in it: wait for it, bounded.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await Broker.AuditEventsAsync(Mandate.Core.Audit.AuditKinds.ShadowDecision)).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no shadow decision was recorded");
            await Task.Yield();
        }

        var viewer = await SignInAsync(Viewer);
        var page = await viewer.GetAsync("/policy");
        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        Assert.Contains(Broker.Runtime.Policy.Current.Version, page.Html, StringComparison.Ordinal);
        Assert.True(page.HasElement("policy-versions") && page.HasElement("policy-diff") && page.HasElement("shadow-differences"), page.ToString());
        Assert.Contains($"<span class=\"inserted\">+ ", page.Html, StringComparison.Ordinal);
        Assert.Contains($"- id: {CandidateRuleId}", page.Html, StringComparison.Ordinal);
        Assert.Contains("support-refunds-own-tenant", page.Html, StringComparison.Ordinal);
        var differences = page.Html[page.Html.IndexOf("id=\"shadow-differences\"", StringComparison.Ordinal)..];
        Assert.Contains(TestBroker.SupportAgent, differences, StringComparison.Ordinal);
        Assert.Contains("(support-refunds-own-tenant)", differences, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_policy_loaded_record_that_is_not_an_audit_event_leaves_the_policy_page_working()
    {
        var loaded = (await Broker.ReadAuditAsync(new Mandate.Core.Audit.AuditQuery { Kind = Mandate.Core.Audit.AuditKinds.PolicyLoaded })).First().Sequence;
        await Broker.ExecuteSqlAsync($"DROP TRIGGER audit_shapes_no_update; UPDATE audit_shapes SET body = 'not json' WHERE id = (SELECT shape FROM audit WHERE seq = {loaded});");
        var viewer = await SignInAsync(Viewer);

        var page = await viewer.GetAsync("/policy");

        Assert.True(page.Status == HttpStatusCode.OK, page.ToString());
        Assert.Contains(Broker.Runtime.Policy.Current.Version, page.Html, StringComparison.Ordinal);
    }
}
