using System.Globalization;
using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Console;

/// <summary>Audit search (run, agent, user, tenant, tool, trace id, time window) with the chain's verification status.</summary>
internal static class AuditPages
{
    private const int MaxResults = 200;

    /// <summary>How far back a search without <c>since</c> looks.</summary>
    private static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(1);

    public static void MapAuditPages(this RouteGroupBuilder pages) => pages.MapGetAndHead("/audit", SearchAsync);

    // One more than the page shows was read, to tell whether older matches are left out.
    private static string Count(int read) => read > MaxResults
        ? $"the newest {MaxResults} records (older ones match too: narrow the search or move Until back)"
        : $"{read} records";

    private static async Task<IResult> SearchAsync(
        HttpContext http, IMandateStore store, ChainStatus chain, TimeProvider time,
        string? run, string? agent, string? user, string? tenant, string? tool, string? trace, string? since, string? until)
    {
        var now = time.GetUtcNow();
        var (sinceBound, sinceProblem) = Bound("Since", since, now, "searching the last day");
        var from = sinceBound ?? now - DefaultWindow;
        var (to, untilProblem) = Bound("Until", until, now, "searching without it");
        // Newest first, read only as far as the page shows: a day of a busy broker is millions of records.
        var query = new AuditQuery
        {
            Run = ConsoleInput.Blank(run), Agent = ConsoleInput.Blank(agent), User = ConsoleInput.Blank(user), Tenant = ConsoleInput.Blank(tenant),
            TraceId = ConsoleInput.Blank(trace)?.ToLowerInvariant(), Since = from, Until = to, NewestFirst = true,
        };
        var toolFilter = ConsoleInput.Blank(tool);
        var records = new List<(AuditRecord Record, AuditEvent? Event)>();
        await foreach (var record in store.ReadAuditAsync(query, http.RequestAborted))
        {
            var e = record.TryReadEvent();
            if (toolFilter is null || e?.Tool == toolFilter)
            {
                records.Add((record, e));
                if (records.Count > MaxResults)
                {
                    break;
                }
            }
        }

        var shown = records.Take(MaxResults);
        var (verification, verifiedAt) = await chain.CurrentAsync(http.RequestAborted);
        var badge = verification.IsValid
            ? Markup.Of($"<span id=\"chain-status\" class=\"badge ok\" data-valid=\"true\">chain verified: {verification.RecordCount} records, head {verification.Head.Sequence} (checked {verifiedAt:u})</span>")
            : Markup.Of($"<span id=\"chain-status\" class=\"badge bad\" data-valid=\"false\">chain broken: {verification.Message} (checked {verifiedAt:u})</span>");
        var rows = shown.Select(r => r.Event is not { } e
            ? Markup.Of($"""<tr data-seq="{r.Record.Sequence}" class="bad"><td>{r.Record.Sequence}</td><td colspan="13">unreadable: the record is not an audit event (the store was edited; see the chain status)</td></tr>""")
            : Markup.Of($"""
            <tr data-seq="{r.Record.Sequence}"><td>{r.Record.Sequence}</td><td>{e.Time:u}</td><td>{e.Kind}</td><td>{e.Outcome}</td>
            <td class="mono">{e.Agent ?? ""}</td><td>{e.Tenant ?? ""}</td><td>{e.User ?? ""}</td><td>{e.Tool ?? ""}</td>
            <td>{RunLink(e.Run)}</td><td class="mono">{e.Jti ?? ""}</td><td>{e.Rule ?? ""}</td><td>{e.Reason ?? ""}</td>
            <td class="mono">{Actor(e)}</td><td class="mono">{e.TraceId ?? ""}</td></tr>
            """));
        return ConsolePages.Page(http, "Audit", Markup.Of($"""
            <p>{badge}</p>
            {Problems(sinceProblem, untilProblem)}
            <form method="get" action="/audit" id="audit-search" class="search">
            {Field("q-run", "run", "Run", run)}{Field("q-agent", "agent", "Agent", agent)}{Field("q-user", "user", "User", user)}{Field("q-tenant", "tenant", "Tenant", tenant)}
            {Field("q-tool", "tool", "Tool", tool)}{Field("q-trace", "trace", "Trace id", trace)}{Field("q-since", "since", "Since (UTC)", since)}{Field("q-until", "until", "Until (UTC)", until)}
            <button type="submit" id="q-submit">Search</button>
            </form>
            <p class="muted" id="audit-count">{Count(records.Count)} from {from:u}{(to is null ? "" : $" to {to:u}")}, newest first.</p>
            <table id="audit-results">
            <thead><tr><th>Seq</th><th>Time</th><th>Kind</th><th>Outcome</th><th>Agent</th><th>Tenant</th><th>User</th><th>Tool</th><th>Run</th><th>Credential (jti)</th><th>Rule</th><th>Reason</th><th>By</th><th>Trace</th></tr></thead>
            <tbody>{rows}</tbody>
            </table>
            """));
    }

    /// <summary>Who acted, for records made by a person (approver, revoker, enabler, console sign-in).</summary>
    private static string Actor(AuditEvent e) =>
        e.Evidence.GetValueOrDefault("approver") ?? e.Evidence.GetValueOrDefault("revoked_by") ?? e.Evidence.GetValueOrDefault("lifted_by") ?? e.Evidence.GetValueOrDefault("console_user") ?? "";

    private static Markup RunLink(string? run) => run is null ? Markup.Empty : Markup.Of($"<a class=\"mono\" href=\"/runs/{run}\">{run}</a>");

    private static Markup Field(string id, string name, string label, string? value) =>
        Markup.Of($"<label for=\"{id}\">{label}<input type=\"text\" id=\"{id}\" name=\"{name}\" value=\"{value ?? ""}\"></label>");

    // A bound as the CLI reads it (RFC 3339 with an offset, or a duration before now), or a plain date and time read as
    // UTC as the form's labels say. One that cannot be read is named on the page, never silently dropped.
    private static (DateTimeOffset? Value, string? Problem) Bound(string label, string? text, DateTimeOffset now, string otherwise)
    {
        if (ConsoleInput.Blank(text) is not { } value)
        {
            return (null, null);
        }

        if (AuditTimeBound.TryParse(value, now, out var bound)
            || DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out bound))
        {
            return (bound, null);
        }

        return (null, $"{label} '{value}' is not a time: write e.g. 2026-12-05 14:00 (UTC) or a duration before now such as 2h; {otherwise}.");
    }

    private static Markup Problems(params string?[] problems) =>
        Markup.Join(problems.OfType<string>().Select(p => Markup.Of($"<p class=\"badge bad\" id=\"audit-input-error\">{p}</p>")));
}
