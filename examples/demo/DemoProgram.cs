using Mandate.Cli.Commands;
using Mandate.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Examples.Demo;

/// <summary>
/// The demo: a broker on a temporary SQLite file, the example refunds API and CRM accepting its credentials, and a
/// scripted scenario a newcomer can read. Exit code 0 when every step went as scripted, 1 otherwise.
/// </summary>
public static class DemoProgram
{
    /// <summary>Runs the demo, writing its transcript to <paramref name="transcript"/> (without colour) or the console.</summary>
    public static async Task<int> RunAsync(TextWriter? transcript, CancellationToken ct)
    {
        if (transcript is not null)
        {
            Output.RedirectTo(transcript);
        }

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
    }
}
