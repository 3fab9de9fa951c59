using System.CommandLine;
using System.Text.Json;
using Mandate.Client;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary>
/// <c>mandate secrets</c>: the vault of <c>kind: secret</c> tools. A value is read from stdin or from an
/// environment variable, never from the command line (argv is visible to every user through ps).
/// </summary>
internal static class SecretCommands
{
    public static Command Create() => new("secrets", "Vaulted static secrets of kind: secret tools (injected by the egress proxy, never shown)")
    {
        Set(), List(), Delete(),
    };

    private static Command Set()
    {
        var config = CommonOptions.Config();
        var tool = new Argument<string>("tool") { Description = "The tool's name (a kind: secret tool in mandate.yaml)" };
        var fromEnv = new Option<string?>("--from-env") { Description = "Read the value from this environment variable instead of stdin" };
        var command = new Command("set", "Store a tool's secret, read from stdin (one trailing newline is dropped) or --from-env VAR") { config, tool, fromEnv };
        command.SetAction(async (parse, ct) =>
        {
            var value = await ReadValueAsync(parse.GetValue(fromEnv), ct);
            if (value is null)
            {
                return ExitCodes.Usage;
            }

            return await RunCommands.WithAdminAsync(parse.GetValue(config)!, async admin =>
            {
                var stored = await admin.SetSecretAsync(parse.GetValue(tool)!, value, ct);
                Output.Line($"[green]stored[/] secret for [bold]{Output.Escape(Str(stored, "tool"))}[/] (version {stored.GetProperty("version").GetInt32()}); the egress proxy injects it from now on");
            });
        });
        return command;
    }

    private static Command List()
    {
        var config = CommonOptions.Config();
        var json = CommonOptions.Json();
        var command = new Command("list", "List vaulted secrets: tool, version, when and by whom (never the value)") { config, json };
        command.SetAction(async (parse, ct) => await RunCommands.WithAdminAsync(parse.GetValue(config)!, async admin =>
        {
            var list = await admin.ListSecretsAsync(ct);
            if (parse.GetValue(json))
            {
                Output.Plain(list.GetRawText());
                return;
            }

            if (list.GetArrayLength() == 0)
            {
                Output.Line("no secrets are vaulted; store one with: mandate secrets set <tool> < file");
                return;
            }

            var table = new Table().AddColumns("tool", "version", "created_at", "created_by");
            foreach (var s in list.EnumerateArray())
            {
                table.AddRow(Output.Escape(Str(s, "tool")), s.GetProperty("version").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), Output.Time(Str(s, "created_at")), Output.Escape(Str(s, "created_by")));
            }

            Output.Console.Write(table);
        }));
        return command;
    }

    private static Command Delete()
    {
        var config = CommonOptions.Config();
        var tool = new Argument<string>("tool") { Description = "The tool's name" };
        var command = new Command("delete", "Delete a tool's secret; the proxy refuses the tool's calls until a new one is set") { config, tool };
        command.SetAction(async (parse, ct) => await RunCommands.WithAdminAsync(parse.GetValue(config)!, async admin =>
        {
            var deleted = await admin.DeleteSecretAsync(parse.GetValue(tool)!, ct);
            Output.Line($"[green]deleted[/] secret for [bold]{Output.Escape(Str(deleted, "tool"))}[/] (was version {deleted.GetProperty("version").GetInt32()})");
        }));
        return command;
    }

    private static async Task<byte[]?> ReadValueAsync(string? fromEnv, CancellationToken ct)
    {
        string? text;
        if (fromEnv is not null)
        {
            text = Environment.GetEnvironmentVariable(fromEnv);
            if (string.IsNullOrEmpty(text))
            {
                Output.Error($"environment variable {fromEnv} is not set or empty");
                return null;
            }
        }
        else
        {
            Output.PromptForInput("type or paste the secret, then Enter and Ctrl-D (it shows as typed: 'mandate secrets set TOOL < key.txt' or --from-env VAR keep it off the screen)");
            var buffer = new char[8 * 1024];
            var read = await Console.In.ReadBlockAsync(buffer, ct);
            text = new string(buffer, 0, read);
            // Piped files and `echo` end with a newline that is not part of the key.
            text = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
            if (text.Length == 0)
            {
                Output.Error("no secret on stdin; pipe it in (mandate secrets set <tool> < key.txt) or use --from-env VAR");
                return null;
            }
        }

        return System.Text.Encoding.UTF8.GetBytes(text);
    }

    private static string Str(JsonElement e, string name) => e.GetProperty(name).ToString();
}
