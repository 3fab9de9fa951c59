using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Policy;
using Mandate.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.Server.Console;

/// <summary>
/// Policy: the version in force, the versions loaded (from the audit trail), and with a shadow policy configured the
/// line diff between the active and the candidate file and the decisions on which they differed.
/// </summary>
internal static class PolicyPages
{
    public static void MapPolicyPages(this RouteGroupBuilder pages) => pages.MapGetAndHead("/policy", ShowAsync);

    private static async Task<IResult> ShowAsync(HttpContext http, PolicyProvider policy, MandateOptions options, IMandateStore store, TimeProvider time)
    {
        var since = time.GetUtcNow() - TimeSpan.FromDays(30);
        var loaded = new List<AuditEvent>();
        await foreach (var r in store.ReadAuditAsync(new AuditQuery { Kind = AuditKinds.PolicyLoaded, Since = since }, http.RequestAborted))
        {
            // A record that is not an event (an edited store, which the audit page's chain status shows) is left out.
            if (r.TryReadEvent() is { } e)
            {
                loaded.Add(e);
            }
        }

        var versions = loaded.AsEnumerable().Reverse().Take(50).Select(e => Markup.Of($"<tr><td class=\"mono\">{e.PolicyVersion}</td><td>{e.Time:u}</td><td>{e.Node}</td></tr>"));
        var shadow = options.ShadowPolicyPath is { } path ? await ShadowAsync(http, policy.Path, path, store, since) : Markup.Of($"<p class=\"muted\" id=\"no-shadow\">No shadow policy is configured (shadow_policy).</p>");
        return ConsolePages.Page(http, "Policy", Markup.Of($"""
            <p>In force: <code id="policy-version">{policy.Current.Version}</code> ({policy.Current.Rules.Length} rules) from <code>{Path.GetFileName(policy.Path)}</code>.</p>
            <h2>Versions loaded (last 30 days)</h2>
            <table id="policy-versions"><thead><tr><th>Version</th><th>Loaded</th><th>Node</th></tr></thead><tbody>{versions}</tbody></table>
            <h2>Shadow policy</h2>
            {shadow}
            """));
    }

    private static async Task<Markup> ShadowAsync(HttpContext http, string activePath, string shadowPath, IMandateStore store, DateTimeOffset since)
    {
        var diff = InlineDiffBuilder.Diff(await ReadAsync(activePath, http.RequestAborted), await ReadAsync(shadowPath, http.RequestAborted));
        var lines = diff.Lines.Select(l => Markup.Of($"<span class=\"{Class(l.Type)}\">{Prefix(l.Type)}{l.Text}</span>\n"));
        var differences = new List<AuditEvent>();
        await foreach (var r in store.ReadAuditAsync(new AuditQuery { Kind = AuditKinds.ShadowDecision, Since = since }, http.RequestAborted))
        {
            if (r.TryReadEvent() is { } e)
            {
                differences.Add(e);
            }
        }

        var rows = differences.AsEnumerable().Reverse().Take(100).Select(e => Markup.Of($"""
            <tr><td>{e.Time:u}</td><td class="mono">{e.Agent ?? ""}</td><td>{e.Tool ?? ""}</td><td>{e.Tenant ?? ""}</td>
            <td>{e.Evidence.GetValueOrDefault("active_outcome", "")} ({e.Evidence.GetValueOrDefault("active_rule", "")})</td>
            <td>{e.Evidence.GetValueOrDefault("shadow_outcome", "")} ({e.Evidence.GetValueOrDefault("shadow_rule", "")})</td><td>{RunLink(e.Run)}</td></tr>
            """));
        return Markup.Of($"""
            <p>Candidate <code>{Path.GetFileName(shadowPath)}</code> against the active file (<span class="deleted">− active only</span>, <span class="inserted">+ candidate only</span>):</p>
            <pre class="diff" id="policy-diff">{lines}</pre>
            <h3>Decisions where the shadow policy would differ</h3>
            <table id="shadow-differences"><thead><tr><th>Time</th><th>Agent</th><th>Tool</th><th>Tenant</th><th>Active</th><th>Shadow</th><th>Run</th></tr></thead><tbody>{rows}</tbody></table>
            """);
    }

    private static async Task<string> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"# cannot read {Path.GetFileName(path)}: {e.Message}";
        }
    }

    private static Markup RunLink(string? run) => run is null ? Markup.Empty : Markup.Of($"<a class=\"mono\" href=\"/runs/{run}\">{run}</a>");

    private static string Class(ChangeType type) => type switch { ChangeType.Inserted => "inserted", ChangeType.Deleted => "deleted", _ => "same" };

    private static string Prefix(ChangeType type) => type switch { ChangeType.Inserted => "+ ", ChangeType.Deleted => "− ", _ => "  " };
}
