using Mandate.Core.Audit;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary>Renders audit records one per line a person can scan: what happened, to whom, by which rule.</summary>
internal static class AuditTable
{
    public static void Write(IReadOnlyList<AuditRecord> records)
    {
        if (records.Count == 0)
        {
            Output.Line("[grey]no matching audit records[/]");
            return;
        }

        foreach (var r in records)
        {
            Output.Line(Format(r));
        }
    }

    private static string Format(AuditRecord r)
    {
        if (r.TryReadEvent() is not { } e)
        {
            return $"#{r.Sequence,-4} [red]unreadable[/]: the record is not an audit event (the store was edited; 'mandate audit verify' names the change)";
        }

        // Kind and outcome come from the store like every other field: escaped, so an edited one cannot inject markup.
        var outcome = e.Outcome switch
        {
            "allow" or "issued" or "accepted" or "loaded" or "rotated" => $"[green]{e.Outcome,-8}[/]",
            "deny" or "rejected" or "revoked" => $"[red]{e.Outcome,-8}[/]",
            _ => Output.Escape($"{e.Outcome,-8}"),
        };
        var parts = new List<string> { $"#{r.Sequence,-4} {e.Time:HH:mm:ss} {Output.Escape($"{e.Kind,-18}")} {outcome}" };
        if (e.Agent is not null || e.Tool is not null)
        {
            parts.Add($"{Short(e.Agent)} -> {e.Tool} {e.Scope}".Trim());
        }

        Add(parts, "tenant", e.Tenant);
        Add(parts, "user", e.User);
        Add(parts, "run", e.Run);
        Add(parts, "rule", e.Rule);
        Add(parts, "jti", e.Jti);
        if (e.Evidence.TryGetValue("by", out var by))
        {
            Add(parts, "by", Short(by));
        }

        if (e.Rule is null && e.Reason is not null)
        {
            parts.Add($"({e.Reason})");
        }

        return string.Join("  ", parts.Select((p, i) => i == 0 ? p : Output.Escape(p)));
    }

    private static void Add(List<string> parts, string name, string? value)
    {
        if (value is not null)
        {
            parts.Add($"{name}={value}");
        }
    }

    private static string Short(string? spiffeId) =>
        spiffeId is null ? "" : spiffeId.StartsWith("spiffe://", StringComparison.Ordinal) ? spiffeId[(spiffeId.IndexOf('/', "spiffe://".Length) + 1)..] : spiffeId;
}
