using Mandate.Core.Audit;
using Mandate.Core.Runs;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary>
/// Renders a run's delegation tree so an operator can answer: who granted access, for which user and
/// tenant, under which policy version and rule, on which broker node and key, which tool accepted each
/// credential, which sub-agent inherited what, and whether anything is still usable.
/// </summary>
internal static class RunTraceView
{
    public static void Write(RunTrace trace, DateTimeOffset now)
    {
        var tree = new Tree(trace.Implicit ? ImplicitNode(trace.Run, now) : Node(trace.Run, now));
        Add(tree, trace, now);
        Output.Console.Write(tree);
    }

    private static void Add(IHasTreeNodes parent, RunTrace t, DateTimeOffset now)
    {
        foreach (var d in t.Decisions)
        {
            var e = d.Event;
            var outcome = e.Outcome == "allow" ? "[green]allow[/]" : "[red]deny[/]";
            parent.AddNode($"decision {outcome} {Esc(e.Tool)} {Esc(e.Scope ?? e.Evidence.GetValueOrDefault("requested_scope"))} rule={Esc(e.Rule ?? "(none)")} policy={Esc(Short(e.PolicyVersion))} {Esc(e.DecisionId)}");
        }

        foreach (var c in t.Credentials)
        {
            var e = c.Issuance.Event;
            var exp = e.EvidenceTime("exp") ?? DateTimeOffset.UnixEpoch;
            var state = c.Revocation is not null ? "[red]revoked[/]" : !t.Run.IsOpen(now) ? "[red]dead (run ended)[/]" : exp <= now ? "[grey]expired[/]" : "[green]usable[/]";
            var node = parent.AddNode($"credential {Esc(c.Jti)} for {Esc(e.Tool)} (aud {Esc(e.Evidence.GetValueOrDefault("aud"))} only) scope={Esc(e.Scope)} exp={exp:HH:mm:ss} {state}");
            node.AddNode($"allowed by rule {Esc(e.Rule)} (policy {Esc(Short(e.PolicyVersion))}, {Esc(e.DecisionId)}); issued by node {Esc(e.Node)} with key {Esc(Short(e.Evidence.GetValueOrDefault("kid")))} for {Esc(e.User ?? "(no user)")} in {Esc(e.Tenant)}; chain {Esc(e.Evidence.GetValueOrDefault("actors"))}");
            foreach (var i in c.Introspections)
            {
                var by = i.Event.Evidence.GetValueOrDefault("by", "?");
                node.AddNode(i.Event.Outcome == "accepted" ? $"[green]accepted[/] by {Esc(by)} at {i.Event.Time:HH:mm:ss}" : $"[red]rejected[/] by {Esc(by)} at {i.Event.Time:HH:mm:ss}: {Esc(i.Event.Reason)}");
            }

            foreach (var call in c.Calls)
            {
                node.AddNode(CallNode(call.Event));
            }

            if (c.Revocation is { } r)
            {
                node.AddNode($"[red]revoked[/] at {r.Event.Time:HH:mm:ss} by {Esc(r.Event.Evidence.GetValueOrDefault("revoked_by"))}: {Esc(r.Event.Reason)}");
            }
        }

        foreach (var l in t.Lifecycle.Where(l => l.Event.Outcome is "ended"))
        {
            parent.AddNode($"[red]ended[/] at {l.Event.Time:HH:mm:ss} by {Esc(l.Event.Evidence.GetValueOrDefault("ended_by"))}{(l.Event.Reason is null ? "" : ": " + Esc(l.Event.Reason))}");
        }

        foreach (var child in t.Children)
        {
            var node = parent.AddNode(Node(child.Run, now));
            Add(node, child, now);
        }
    }

    /// <summary>One use of the credential: an MCP tools/call (tool, decision, rule, upstream status) or a proxied HTTP call.</summary>
    private static string CallNode(AuditEvent e)
    {
        var ev = e.Evidence;
        var color = e.Outcome is "allowed" or "forwarded" ? "green" : e.Outcome is "pending" ? "yellow" : "red";
        var when = $"at {e.Time:HH:mm:ss} ({Esc(ev.GetValueOrDefault("duration_ms"))} ms)";
        if (e.Kind == EgressAuditKinds.McpCall)
        {
            var approval = ev.TryGetValue("approval_id", out var id) ? $" approval {Esc(id)}" : "";
            var upstream = ev.TryGetValue("upstream_status", out var status) ? $" upstream {Esc(status)}" : "";
            return $"mcp tools/call {Esc(ev.GetValueOrDefault("mcp_tool"))} on {Esc(e.Tool)} [{color}]{Esc(e.Outcome)}[/] rule={Esc(e.Rule ?? "(none)")} policy={Esc(Short(e.PolicyVersion))}{approval}{upstream} args sha256 {Esc(Short(ev.GetValueOrDefault("arguments_sha256")))} {when}";
        }

        // An MCP server's requests all go to its one endpoint, /{tool}; the JSON-RPC method tells them apart.
        var isMcp = ev.TryGetValue("mcp_method", out var method);
        var path = isMcp ? "/" + e.Tool : ev.GetValueOrDefault("path");
        var mcp = isMcp ? $" (mcp {Esc(method)})" : "";
        return $"proxy {Esc(ev.GetValueOrDefault("method"))} {Esc(path)}{mcp} [{color}]{Esc(e.Outcome)}[/] status {Esc(ev.GetValueOrDefault("status"))} {when}";
    }

    private static string Node(RunRecord r, DateTimeOffset now)
    {
        var state = r.EndedAt is not null ? "[red]ended[/]" : r.IsOpen(now) ? "[green]open[/]" : "[grey]expired[/]";
        var who = r.Depth == 0 ? "run" : $"sub-agent run (depth {r.Depth}, delegated from {Esc(r.ParentId)})";
        return $"[bold]{who} {Esc(r.Id)}[/] {state}: agent {Esc(r.Agent)} for {Esc(r.User ?? "(background)")} in tenant {Esc(r.Tenant)}; may use {Esc(r.Envelope.Scope)}; policy {Esc(Short(r.PolicyVersion))}";
    }

    /// <summary>A plain exchange's run id: no run token was issued for it, so it has no envelope or end of its own.</summary>
    private static string ImplicitNode(RunRecord r, DateTimeOffset now)
    {
        var state = r.EndedAt is not null ? "[red]revoked[/]" : r.IsOpen(now) ? "[green]credentials may be live[/]" : "[grey]expired[/]";
        return $"[bold]run {Esc(r.Id)}[/] {state}: plain exchanges (no run token) by agent {Esc(r.Agent)} for {Esc(r.User ?? "(background)")} in tenant {Esc(r.Tenant)}; first seen {r.StartedAt:u}; 'mandate revoke --run' revokes its credentials";
    }

    private static string Short(string? value) => value is { Length: > 19 } ? value[..19] + "…" : value ?? "";

    private static string Esc(string? value) => Output.Escape(value ?? "");
}
