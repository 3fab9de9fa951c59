using System.CommandLine;
using System.Text.Json;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.Core.Spiffe;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate entries create|list|delete</c>: SPIFFE registration entries for the workload endpoint.</summary>
internal static class EntryCommands
{
    public static Command Create() =>
        new("entries", "SPIFFE registration entries: which local processes (selected by uid, gid, user, executable path or hash) get SVIDs for which SPIFFE ID")
        {
            CreateEntry(), List(), Delete(),
        };

    private static Command CreateEntry()
    {
        var config = CommonOptions.Config();
        var spiffeId = new Option<string>("--spiffe-id") { Description = "The SPIFFE ID to issue, in Mandate's trust domain, e.g. spiffe://acme.example/agents/support", Required = true };
        var selectors = new Option<string[]>("--selector", "-s")
        {
            Description = "A selector the process must match (repeat: ALL must match): unix:uid:<n>, unix:gid:<n>, unix:user:<name>, unix:path:<abs path>, unix:sha256:<hex>",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var x509Ttl = new Option<string?>("--x509-ttl") { Description = "X.509-SVID lifetime for this entry, e.g. 30m (at most 24h; default spiffe.x509_svid_ttl)" };
        var jwtTtl = new Option<string?>("--jwt-ttl") { Description = "JWT-SVID lifetime for this entry, e.g. 2m (at most 1h; default spiffe.jwt_svid_ttl)" };
        var json = new Option<bool>("--json") { Description = "Print the created entry as JSON (its id for scripts)" };
        AddSyntaxChecks(spiffeId, selectors, x509Ttl, jwtTtl);
        var command = new Command("create", "Create an entry on the running broker (audited)") { config, spiffeId, selectors, x509Ttl, jwtTtl, json };
        command.SetAction((parse, ct) => RunCommands.WithAdminAsync(parse.GetValue(config)!, async admin =>
        {
            var entry = await admin.CreateEntryAsync(parse.GetValue(spiffeId)!, parse.GetValue(selectors) ?? [], parse.GetValue(x509Ttl), parse.GetValue(jwtTtl), ct);
            if (parse.GetValue(json))
            {
                Output.Plain(entry.GetRawText());
                return;
            }

            Output.Line($"[green]created[/] {Output.Escape(Text(entry, "id"))}: {Output.Escape(Text(entry, "spiffe_id"))} for processes matching {Output.Escape(Selectors(entry))}");
        }));
        return command;
    }

    /// <summary>
    /// A malformed argument is a usage error (exit 2) before anything is sent; what only the broker knows (its trust domain,
    /// the TTL caps) it still answers itself.
    /// </summary>
    private static void AddSyntaxChecks(Option<string> spiffeId, Option<string[]> selectors, params Option<string?>[] ttls)
    {
        spiffeId.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } id && !SpiffeId.IsValid(id))
            {
                result.AddError($"--spiffe-id: '{id}' is not a SPIFFE ID; write spiffe://<trust-domain>/<path> (lower-case trust domain, no empty, '.' or '..' segments, no query or fragment)");
            }
        });
        selectors.Validators.Add(result =>
        {
            foreach (var text in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!Selector.TryParse(text, out _, out var error))
                {
                    result.AddError($"--selector: {error}");
                    return;
                }
            }
        });
        foreach (var ttl in ttls)
        {
            ttl.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<string?>() is { } text && !Duration.TryParse(text, out _))
                {
                    result.AddError(CommonOptions.TooLongDuration(ttl.Name, text) ?? $"{ttl.Name}: '{text}' is not a duration; {Duration.Rule}");
                }
            });
        }
    }

    private static Command List()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command("list", "List entries, oldest first (the oldest matching entry wins)") { config, json };
        command.SetAction((parse, ct) => RunCommands.WithAdminAsync(parse.GetValue(config)!, async admin =>
        {
            var entries = await admin.ListEntriesAsync(ct);
            if (parse.GetValue(json))
            {
                Output.Plain(entries.GetRawText());
                return;
            }

            if (entries.GetArrayLength() == 0)
            {
                Output.Line("[grey]no registration entries; add one with 'mandate entries create --spiffe-id spiffe://<trust-domain>/<path> --selector unix:uid:<uid> --selector unix:path:<executable>'[/]");
                return;
            }

            var table = new Table().AddColumns("id", "spiffe id", "selectors", "x509 ttl", "jwt ttl", "created");
            foreach (var e in entries.EnumerateArray())
            {
                table.AddRow(Cell(e, "id"), Cell(e, "spiffe_id"), Output.Escape(Selectors(e)), Cell(e, "x509_ttl", "default"), Cell(e, "jwt_ttl", "default"), Output.Time(Text(e, "created_at")));
            }

            Output.Console.Write(table);
        }));
        return command;
    }

    private static Command Delete()
    {
        var config = CommonOptions.Config();
        var id = new Argument<string>("id") { Description = "Entry id (from 'mandate entries list')" };
        var reason = new Option<string?>("--reason", "-r") { Description = "Why (at most 500 characters on one line, no token); recorded in the audit trail" };
        var command = new Command("delete", "Delete an entry: matching processes get no new SVIDs (issued ones expire on their own)") { config, id, reason };
        command.SetAction((parse, ct) => RunCommands.WithAdminAsync(parse.GetValue(config)!, async admin =>
        {
            var entry = await admin.DeleteEntryAsync(parse.GetValue(id)!, parse.GetValue(reason), ct);
            Output.Line($"[green]deleted[/] {Output.Escape(Text(entry, "id"))} ({Output.Escape(Text(entry, "spiffe_id"))})");
        }));
        return command;
    }

    private static string Text(JsonElement e, string name, string fallback = "") =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : fallback;

    private static string Cell(JsonElement e, string name, string fallback = "") => Output.Escape(Text(e, name, fallback));

    private static string Selectors(JsonElement e) =>
        e.TryGetProperty("selectors", out var s) && s.ValueKind == JsonValueKind.Array ? string.Join(" ", s.EnumerateArray().Select(x => x.GetString())) : "";
}
