using System.Net;
using Mandate.Core.Audit;
using Microsoft.Extensions.DependencyInjection;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Console;

/// <summary>Audit search (run, agent, trace id) with the chain's verification status; nothing secret on any page.</summary>
public sealed class AuditConsoleTests : ConsoleTest
{
    [Fact]
    public async Task Audit_search_finds_records_by_run_agent_and_trace_and_shows_the_chain_verified()
    {
        var token = await Broker.IssueAsync(Broker.RefundRequest());
        var issuance = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
        var viewer = await SignInAsync(Viewer);

        var page = await viewer.GetAsync("/audit");
        Assert.True(page.HasElement("audit-search") && page.HasElement("q-run") && page.HasElement("q-agent") && page.HasElement("q-trace"), page.ToString());
        Assert.Contains("id=\"chain-status\" class=\"badge ok\" data-valid=\"true\"", page.Html, StringComparison.Ordinal);

        var byRun = await viewer.GetAsync($"/audit?run={Uri.EscapeDataString(issuance.Run!)}");
        Assert.Contains(issuance.Jti!, Results(byRun), StringComparison.Ordinal);
        var byAgent = await viewer.GetAsync($"/audit?agent={Uri.EscapeDataString(SupportAgent)}");
        Assert.Contains(issuance.Jti!, Results(byAgent), StringComparison.Ordinal);
        var byOtherAgent = await viewer.GetAsync($"/audit?agent={Uri.EscapeDataString(ResearchAgent)}");
        Assert.DoesNotContain(issuance.Jti!, Results(byOtherAgent), StringComparison.Ordinal);
        if (issuance.TraceId is { } trace)
        {
            Assert.Contains(issuance.Jti!, Results(await viewer.GetAsync($"/audit?trace={trace}")), StringComparison.Ordinal);
            Assert.DoesNotContain(issuance.Jti!, Results(await viewer.GetAsync($"/audit?trace={new string('0', 32)}")), StringComparison.Ordinal);
        }

        // The credential itself is never rendered, on any page.
        foreach (var path in new[] { "/audit", "/runs", $"/runs/{issuance.Run}", "/approvals", "/agents", "/revocations", "/policy" })
        {
            var html = (await viewer.GetAsync(path)).Html;
            Assert.DoesNotContain(token, html, StringComparison.Ordinal);
            Assert.DoesNotContain(token.Split('.')[2], html, StringComparison.Ordinal);
            Assert.DoesNotContain(TestIdentityProvider.ClientSecret, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_broken_chain_shows_as_broken()
    {
        await Broker.IssueAsync(Broker.RefundRequest());
        var viewer = await SignInAsync(Viewer);
        Assert.Contains("data-valid=\"true\"", (await viewer.GetAsync("/audit")).Html, StringComparison.Ordinal);

        var issuance = (await Broker.ReadAuditAsync(new AuditQuery { Kind = AuditKinds.Issuance })).Single().Sequence;
        await Broker.ExecuteSqlAsync("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete; DROP TRIGGER audit_shapes_no_update;"
            + $"UPDATE audit_shapes SET body = replace(body, '\"scope\":\"refunds:write\"', '\"scope\":\"refunds:read\"') WHERE id = (SELECT shape FROM audit WHERE seq = {issuance});");

        // The result is kept a minute (verification reads the whole chain). The first page after that still shows it,
        // with its time, while the chain is verified again off the request; the next page tells the truth.
        Broker.Clock.Advance(TimeSpan.FromMinutes(1));
        var stale = await viewer.GetAsync("/audit");
        var chain = Broker.App.Console!.Services.GetRequiredService<Mandate.Server.Console.ChainStatus>();
        await (chain.Running ?? Task.CompletedTask).WaitAsync(TimeSpan.FromSeconds(30));
        var page = await viewer.GetAsync("/audit");
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (stale.Status, page.Status));
        Assert.Contains("data-valid=\"true\"", stale.Html, StringComparison.Ordinal);
        Assert.Contains("id=\"chain-status\" class=\"badge bad\" data-valid=\"false\"", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_deleted_behind_a_prune_anchor_without_a_signed_checkpoint_show_the_chain_broken()
    {
        await Broker.IssueAsync(Broker.RefundRequest());
        var issuance = (await Broker.ReadAuditAsync(new AuditQuery { Kind = AuditKinds.Issuance })).Single().Sequence;
        // The triggers let records go up to an anchor naming a record the store holds; only its signature shows an archive.
        await Broker.ExecuteSqlAsync($"INSERT INTO audit_anchors VALUES ({issuance}, (SELECT hash FROM audit WHERE seq = {issuance}), '{{}}', 'none.jsonl', 0);"
            + $"DELETE FROM audit WHERE seq <= {issuance};");
        var viewer = await SignInAsync(Viewer);

        var page = await viewer.GetAsync("/audit");

        Assert.Contains("id=\"chain-status\" class=\"badge bad\" data-valid=\"false\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("the prune anchor at record " + issuance, page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_that_is_not_an_audit_event_is_listed_as_unreadable_not_an_error()
    {
        await Broker.IssueAsync(Broker.RefundRequest());
        var issuance = (await Broker.ReadAuditAsync(new AuditQuery { Kind = AuditKinds.Issuance })).Single().Sequence;
        await Broker.ExecuteSqlAsync($"DROP TRIGGER audit_shapes_no_update; UPDATE audit_shapes SET body = 'not json' WHERE id = (SELECT shape FROM audit WHERE seq = {issuance});");
        var viewer = await SignInAsync(Viewer);

        var page = await viewer.GetAsync("/audit");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains($"<tr data-seq=\"{issuance}\" class=\"bad\"><td>{issuance}</td><td colspan=\"13\">unreadable", Results(page), StringComparison.Ordinal);
        Assert.Contains("data-valid=\"false\"", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_search_shows_the_newest_records_first_and_says_when_older_ones_are_left_out()
    {
        for (var i = 0; i < 201; i++)
        {
            await Broker.IssueAsync(Broker.RefundRequest());
        }

        var viewer = await SignInAsync(Viewer);
        var newest = (await Broker.ReadAuditAsync(new AuditQuery { Agent = SupportAgent, NewestFirst = true, Limit = 1 })).Single().Sequence;

        var page = await viewer.GetAsync($"/audit?agent={Uri.EscapeDataString(SupportAgent)}");

        var shown = System.Text.RegularExpressions.Regex.Matches(Results(page), "data-seq=\"(\\d+)\"").Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(200, shown.Count);
        Assert.Equal(shown.OrderByDescending(s => s), shown);
        Assert.Equal(newest, shown[0]);
        Assert.Contains("the newest 200 records (older ones match too", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_search_reads_times_as_the_cli_does_and_names_one_it_cannot_read()
    {
        await Broker.IssueAsync(Broker.RefundRequest());
        var issuance = Assert.Single(await Broker.AuditEventsAsync(AuditKinds.Issuance));
        var viewer = await SignInAsync(Viewer);

        var lastHour = await viewer.GetAsync("/audit?since=1h");
        var untilEarlier = await viewer.GetAsync("/audit?until=2h");
        var unreadable = await viewer.GetAsync("/audit?until=<b>soon</b>");

        Assert.Contains(issuance.Jti!, Results(lastHour), StringComparison.Ordinal);
        Assert.DoesNotContain(issuance.Jti!, Results(untilEarlier), StringComparison.Ordinal);
        Assert.False(lastHour.HasElement("audit-input-error"), lastHour.ToString());
        Assert.True(unreadable.HasElement("audit-input-error"), unreadable.ToString());
        Assert.Contains("&lt;b&gt;soon&lt;/b&gt;&#x27; is not a time", unreadable.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>soon</b>", unreadable.Html, StringComparison.Ordinal);
        Assert.Contains(issuance.Jti!, Results(unreadable), StringComparison.Ordinal);
    }

    private static string Results(ConsoleBrowser.Page page)
    {
        var start = page.Html.IndexOf("id=\"audit-results\"", StringComparison.Ordinal);
        Assert.True(start >= 0, page.ToString());
        return page.Html[start..];
    }
}
