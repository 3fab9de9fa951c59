using System.CommandLine;
using System.Text.Json;
using Mandate.Core.Keys;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate keys rotate|list</c>: the broker's signing keys, rotated on demand like a revocation.</summary>
internal static class KeyCommands
{
    public static Command Create() =>
        new("keys", "The broker's signing keys: rotate them now (early, or after a suspected leak) and list them")
        {
            Rotate(), List(),
        };

    private static Command Rotate()
    {
        var config = CommonOptions.Config();
        var purpose = new Option<string?>("--purpose")
        {
            Description = $"Which keys: {string.Join(", ", KeyPurposes.All)} (default: the token-signing keys, ES256 and RS256 when a tool uses it)",
        };
        var compromised = new Option<bool>("--compromised")
        {
            Description = "The key may have leaked: a new key signs at once and every key of the purpose still published is distrusted at once "
                + "(gone from the JWKS; introspection, the egress proxy and the MCP gateway refuse what it signed). Every outstanding credential it signed stops verifying",
        };
        var reason = new Option<string?>("--reason", "-r") { Description = "Why (at most 500 characters on one line, no token); recorded in the audit trail" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Confirm --compromised without being asked (needed when standard input is not a terminal)" };
        var json = new Option<bool>("--json") { Description = "Print the broker's answer as JSON" };
        var command = new Command("rotate", "Rotate signing keys now on the running broker (through its admin socket); audited as key_rotation")
        {
            config, purpose, compromised, reason, yes, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var named = parse.GetValue(purpose);
            if (named is not null && !KeyPurposes.All.Contains(named, StringComparer.Ordinal))
            {
                Output.Error($"--purpose: '{named}' is not a key purpose; use one of {string.Join(", ", KeyPurposes.All)}");
                Output.ErrorLine("run 'mandate keys rotate --help' for usage and options");
                return ExitCodes.Usage;
            }

            var isCompromised = parse.GetValue(compromised);
            if (isCompromised && !parse.GetValue(yes) && !Confirmed(named))
            {
                return ExitCodes.Usage;
            }

            return await RunCommands.WithAdminAsync(parse.GetValue(config)!, async admin =>
            {
                var answer = await admin.RotateKeysAsync(named, isCompromised, parse.GetValue(reason), ct);
                if (parse.GetValue(json))
                {
                    Output.Plain(answer.GetRawText());
                }
                else
                {
                    foreach (var rotation in answer.GetProperty("rotations").EnumerateArray())
                    {
                        Say(rotation);
                    }
                }

                return ExitCodes.Ok;
            });
        });
        return command;
    }

    /// <summary>
    /// Asks on the terminal before every credential a key signed stops verifying; without a terminal to ask on, says that
    /// --yes is needed. True only for a typed "yes".
    /// </summary>
    private static bool Confirmed(string? purpose)
    {
        var which = purpose ?? "token-signing";
        if (System.Console.IsInputRedirected)
        {
            Output.Error($"--compromised distrusts every published {which} key at once: every outstanding credential and run token it signed stops verifying. "
                + "Add --yes to confirm (standard input is not a terminal to ask on). Nothing was done");
            return false;
        }

        Output.PromptForInput($"--compromised distrusts every published {which} key at once: every outstanding credential and run token it signed stops verifying. Type yes to go on:");
        if (string.Equals(System.Console.ReadLine()?.Trim(), "yes", StringComparison.Ordinal))
        {
            return true;
        }

        Output.Error("not confirmed; nothing was done");
        return false;
    }

    private static void Say(JsonElement rotation)
    {
        var purpose = Output.Escape(Text(rotation, "purpose"));
        var kid = Output.Escape(Text(rotation, "kid"));
        var signsFrom = Output.Time(Text(rotation, "signs_from"));
        switch (Text(rotation, "outcome"))
        {
            case KeyRotationResult.AlreadyPublished:
                Output.Line($"a next {purpose} key [bold]{kid}[/] is already published and signs from {signsFrom}: nothing was done (the current key is retired on the normal schedule)");
                break;
            case KeyRotationResult.Published:
                Output.Line($"[green]published[/] the next {purpose} key [bold]{kid}[/]: in the JWKS now, signs from {signsFrom} (keys.publish_ahead), so cached key sets hold it first; the current key signs until then and is retired on the normal schedule");
                break;
            default:
                var distrusted = rotation.TryGetProperty("distrusted", out var d) ? d.EnumerateArray().Select(k => k.GetString() ?? "").ToList() : [];
                Output.Line($"[green]rotated[/] {purpose}: the new key [bold]{kid}[/] signs from now"
                    + (distrusted.Count == 0 ? "" : $"; distrusted {distrusted.Count} key(s): {Output.Escape(string.Join(", ", distrusted))} (gone from the JWKS; introspection, the egress proxy and the MCP gateway refuse what they signed)"));
                Outstanding(rotation);
                break;
        }
    }

    private static void Outstanding(JsonElement rotation)
    {
        if (!rotation.TryGetProperty("outstanding", out var outstanding) || outstanding.ValueKind == JsonValueKind.Null)
        {
            if (rotation.TryGetProperty("distrusted", out var d) && d.GetArrayLength() > 0)
            {
                Output.Line("[yellow]note:[/] the store could not say how many credentials the distrusted keys signed may still be live (see 'mandate audit query --kind issuance --since 15m')");
            }

            return;
        }

        Output.Line(outstanding.GetInt32() == 0
            ? "no credential or run token signed by the distrusted keys is still live, as the audit trail tells"
            : $"[yellow]{outstanding.GetInt32()} credential(s) and run token(s)[/] signed by the distrusted keys may still be live: they no longer verify, so their holders must ask for new ones");
    }

    private static Command List()
    {
        var config = CommonOptions.Config();
        var json = new Option<bool>("--json") { Description = "Print the keys as JSON" };
        var command = new Command("list", "List the running broker's signing keys: kid, purpose, node, created, signs from, retired, state (next, active, superseded, retired)") { config, json };
        command.SetAction((parse, ct) => RunCommands.WithAdminAsync(parse.GetValue(config)!, async admin =>
        {
            var keys = await admin.ListKeysAsync(ct);
            if (parse.GetValue(json))
            {
                Output.Plain(keys.GetRawText());
                return;
            }

            var table = new Table().AddColumns("kid", "purpose", "node", "created", "signs from", "retired", "state");
            foreach (var k in keys.EnumerateArray())
            {
                var state = Text(k, "state") + (Text(k, "state") == "retired" && k.TryGetProperty("published", out var p) && p.ValueKind == JsonValueKind.False ? ", unpublished" : "");
                table.AddRow(
                    Output.Escape(Text(k, "kid")), Output.Escape(Text(k, "purpose")), Output.Escape(Text(k, "node", "shared")), Output.Time(Text(k, "created")),
                    Output.Time(Text(k, "signs_from")), Text(k, "retired") is { Length: > 0 } retired ? Output.Time(retired) : "", Output.Escape(state));
            }

            Output.Console.Write(table);
        }));
        return command;
    }

    private static string Text(JsonElement e, string name, string fallback = "") =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : fallback;
}
