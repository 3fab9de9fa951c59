using Mandate.Cli.Commands;
using Mandate.Examples.Mcp;

namespace Mandate.Examples.Demo;

/// <summary>
/// The demo: a broker on a temporary SQLite file, the example refunds API and CRM accepting its credentials, the example
/// payments MCP server behind the broker's MCP gateway, and a scripted scenario a newcomer can read. Exit code 0 when every step went as scripted, 1 otherwise.
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

        await using var broker = await DemoBroker.StartAsync(ct);
        var (env, app) = (broker.Env, broker.App);
        Output.Line($"[grey]Broker on a temporary SQLite store in {env.Directory}, listening on {app.BaseAddress}; policy {app.Runtime.Policy.Current.Version[..19]}…[/]");
        Output.Line($"[grey]MCP gateway (the egress proxy) on {app.ProxyListener.Address}, in front of the example payments MCP server on {broker.PaymentsMcp.Address()}[/]");
        await using var tools = await DemoTools.StartAsync(env, app.BaseAddress, ct);
        Output.Line($"[grey]Tools accepting Mandate credentials: refunds API on {tools.Refunds}, CRM on {tools.Crm}[/]");
        using var http = Mandate.Client.MandateHttpClient.Create(app.BaseAddress);
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
