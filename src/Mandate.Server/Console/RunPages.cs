using System.Globalization;
using Mandate.Core;
using Mandate.Core.Revocation;
using Mandate.Core.Runs;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Console;

/// <summary>
/// Runs: the list (filter by agent, tenant, user; <c>live=1</c> refreshes it every few seconds without script) and
/// one run's delegation tree from <see cref="RunTraceBuilder"/>, each node with its decisions and credentials.
/// </summary>
internal static class RunPages
{
    private const int LiveRefreshSeconds = 5;

    public static void MapRunPages(this RouteGroupBuilder pages)
    {
        pages.MapGetAndHead("/runs", ListAsync);
        pages.MapGetAndHead("/runs/{id}", TreeAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IMandateStore store, TimeProvider time, string? agent, string? tenant, string? user, string? live)
    {
        var now = time.GetUtcNow();
        var runs = await store.ListRunsAsync(new RunQuery { Agent = ConsoleInput.Blank(agent), Tenant = ConsoleInput.Blank(tenant), User = ConsoleInput.Blank(user), Limit = 200 }, http.RequestAborted);
        var rows = runs.Select(r => Markup.Of($"""
            <tr class="run" data-run-id="{r.Id}"><td><a class="mono" href="/runs/{r.Id}">{r.Id}</a></td><td class="mono">{r.ParentId ?? "—"}</td><td>{r.Depth}</td>
            <td class="mono">{r.Agent}</td><td>{r.Tenant}</td><td>{r.User ?? "—"}</td><td>{r.StartedAt:u}</td><td>{State(r, now)}</td></tr>
            """));
        var isLive = live == "1";
        // Each value percent-encoded (RFC 3986 §3.4): a filter holding '&', '#', '+' or '%' keeps its meaning in the link.
        var filter = $"agent={Uri.EscapeDataString(agent ?? "")}&tenant={Uri.EscapeDataString(tenant ?? "")}&user={Uri.EscapeDataString(user ?? "")}";
        var liveLink = isLive
            ? Markup.Of($"<a id=\"live-off\" href=\"/runs?{filter}\">stop live updates</a>")
            : Markup.Of($"<a id=\"live-on\" href=\"/runs?{filter}&amp;live=1\">live</a>");
        return ConsolePages.Page(http, "Runs", Markup.Of($"""
            <form method="get" action="/runs" id="runs-filter" class="search">
            <label for="f-agent">Agent<input type="text" id="f-agent" name="agent" value="{agent ?? ""}"></label>
            <label for="f-tenant">Tenant<input type="text" id="f-tenant" name="tenant" value="{tenant ?? ""}"></label>
            <label for="f-user">User<input type="text" id="f-user" name="user" value="{user ?? ""}"></label>
            <button type="submit" id="f-submit">Filter</button> {liveLink}
            </form>
            <table id="runs"><thead><tr><th>Run</th><th>Parent</th><th>Depth</th><th>Agent</th><th>Tenant</th><th>User</th><th>Started</th><th>State</th></tr></thead><tbody>{rows}</tbody></table>
            """), head: isLive ? Markup.Of($"<meta http-equiv=\"refresh\" content=\"{LiveRefreshSeconds}\">") : null);
    }

    private static async Task<IResult> TreeAsync(HttpContext http, string id, IMandateStore store, RevocationList revocations, TimeProvider time)
    {
        var trace = await RunTraceBuilder.BuildAsync(store, id, http.RequestAborted);
        if (trace is null)
        {
            return ConsolePages.Error(http, StatusCodes.Status404NotFound, "No such run", $"no run is recorded with id '{id}' and no audit record carries it");
        }

        var now = time.GetUtcNow();
        return ConsolePages.Page(http, "Run " + id, Markup.Of($"""
            <p class="muted">The whole delegation tree the run belongs to, from its root; the run you opened is marked.</p>
            <div id="run-tree">{Node(trace, id, revocations, now)}</div>
            """));
    }

    private static Markup Node(RunTrace t, string selected, RevocationList revocations, DateTimeOffset now)
    {
        var r = t.Run;
        var decisions = t.Decisions.Select(d => Markup.Of($"<li>{d.Event.Time:u} {d.Event.Outcome} · tool {d.Event.Tool ?? "—"} · rule {d.Event.Rule ?? "—"} · policy {d.Event.PolicyVersion ?? "—"}{(d.Event.Reason is { } reason ? " · " + reason : "")}</li>"));
        var credentials = t.Credentials.Select(c => Credential(t, c, revocations, now));
        var lifecycle = t.Lifecycle.Select(l => Markup.Of($"<li>{l.Event.Time:u} {l.Event.Kind} {l.Event.Outcome}{(l.Event.Reason is { } reason ? ": " + reason : "")}</li>"));
        return Markup.Of($"""
            <section class="run-node{(r.Id == selected ? " selected" : "")}" data-run-id="{r.Id}" data-parent-id="{r.ParentId ?? ""}">
            <h2><a class="mono" href="/runs/{r.Id}">{r.Id}</a> {State(r, now)}{(t.Implicit ? " (plain exchanges, no run token)" : "")}</h2>
            <p><span class="mono">{r.Agent}</span> · tenant {r.Tenant} · user {r.User ?? "—"} · depth {r.Depth}/{r.MaxDepth} · started {r.StartedAt:u} · expires {r.ExpiresAt:u}</p>
            <h3>Decisions</h3><ul class="decisions">{decisions}</ul>
            <h3>Credentials</h3>
            <table class="credentials"><thead><tr><th>jti</th><th>Tool</th><th>Scope</th><th>Issued</th><th>Accepted by</th><th>State</th></tr></thead><tbody>{credentials}</tbody></table>
            <ul class="lifecycle">{lifecycle}</ul>
            {t.Children.Select(c => Node(c, selected, revocations, now))}
            </section>
            """);
    }

    private static Markup Credential(RunTrace t, CredentialTrace c, RevocationList revocations, DateTimeOffset now)
    {
        var e = c.Issuance.Event;
        var expires = e.EvidenceTime("exp");
        // Revoked by its own record (a token revocation) or by one that covers it: its run, agent, tenant or user.
        var covered = revocations.Find(new CredentialFacts(c.Jti, e.Agent ?? t.Run.Agent, e.Tenant ?? t.Run.Tenant, e.Run ?? t.Run.Id, e.User, e.Time)) is not null;
        var state = c.Revocation is not null || covered ? "revoked"
            : !t.Run.IsOpen(now) && !t.Implicit ? "dead (run ended)"
            : expires <= now ? "expired"
            : "usable";
        return Markup.Of($"""
            <tr class="credential" data-jti="{c.Jti}" data-state="{state}"><td class="mono">{c.Jti}</td><td>{e.Tool ?? "—"}</td><td class="mono">{e.Scope ?? ""}</td><td>{e.Time:u}</td>
            <td class="mono">{string.Join(", ", c.AcceptedBy)}</td><td>{state}{(expires is { } x ? $" (expires {x:u})" : "")}</td></tr>
            """);
    }

    private static Markup State(RunRecord r, DateTimeOffset now) =>
        r.EndedAt is not null ? Markup.Of($"<span class=\"badge bad\">ended</span>")
        : r.IsOpen(now) ? Markup.Of($"<span class=\"badge ok\">open</span>")
        : Markup.Of($"<span class=\"badge\">expired</span>");
}
