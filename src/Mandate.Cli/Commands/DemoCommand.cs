using System.CommandLine;
using Mandate.Cli.Demo;
using Mandate.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate demo</c>: a broker on a temporary SQLite file and a scripted scenario a newcomer can read.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "Start a throw-away broker and two tools, and walk through the first boundary: issue, call the tool, refuse the wrong tool, scope and tenant, revoke, audit");
        command.SetAction(async (_, ct) =>
        {
            using var env = DemoEnvironment.Create();
            Output.Line($"[grey]Starting a broker on a temporary SQLite store in {env.Directory}[/]");
            await using var app = await MandateServer.CreateAsync(env.Options, new MandateHostOptions
            {
                ListenUrl = "http://127.0.0.1:0",
                LogLevel = LogLevel.Warning,
                WatchPolicy = false,
            }, ct);
            await app.StartAsync(ct);
            Output.Line($"[grey]Broker listening on {app.BaseAddress}; policy {app.Runtime.Policy.Current.Version[..19]}…[/]");
            await using var tools = await DemoTools.StartAsync(env, app.BaseAddress, ct);
            Output.Line($"[grey]Tools accepting Mandate credentials: refunds API on {tools.Refunds}, CRM on {tools.Crm}[/]");
            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            bool ok;
            try
            {
                ok = await new DemoScenario(env, http, app, tools).RunAsync(ct);
            }
            catch (Mandate.Client.MandateErrorException e)
            {
                Output.Error($"the broker refused a step the script expected to succeed: {e.Message}");
                ok = false;
            }

            Output.Line(ok ? "\n[green]Demo complete.[/] Next: README.md quickstart runs the same against 'mandate serve'." : "\n[red]The demo did not go as scripted.[/]");
            return ok ? 0 : 1;
        });
        return command;
    }
}
