using System.CommandLine;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate console login</c>: a one-time admin login link for the running broker's web console (not in production).</summary>
internal static class ConsoleCommands
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var login = new Command("login", "Print a one-time admin login link for the web console (works once, for ten minutes; refused in production)")
        {
            config,
        };
        login.SetAction((parse, ct) => RunCommands.WithAdminAsync(parse.GetValue(config)!, async admin =>
        {
            var (url, expiresAt) = await admin.CreateConsoleLoginAsync(ct);
            Output.Plain(url.ToString());
            Output.Line($"[grey]works once, until {Output.Escape(expiresAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture))}; open it in a browser and confirm[/]");
            return ExitCodes.Ok;
        }));
        return new Command("console", "The web console (docs/console.md)") { login };
    }
}
