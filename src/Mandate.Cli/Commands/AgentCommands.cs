using System.CommandLine;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate agents disable|enable</c>: the kill switch of one registered agent, thrown and lifted.</summary>
internal static class AgentCommands
{
    public static Command Create() =>
        new("agents", "Registered agents: disable one (the kill switch) or enable it again")
        {
            Disable(), Enable(),
        };

    private static Command Disable()
    {
        var config = CommonOptions.Config();
        var agent = AgentArgument();
        var reason = Reason();
        var command = new Command("disable", "Kill switch: revoke everything the agent holds and refuse it anything new until 'mandate agents enable' (same as 'mandate revoke --agent')")
        {
            config, agent, reason,
        };
        command.SetAction((parse, ct) => RevokeCommand.RevokeAsync(parse.GetValue(config)!, "agent", parse.GetValue(agent)!, parse.GetValue(reason), ct));
        return command;
    }

    private static Command Enable()
    {
        var config = CommonOptions.Config();
        var agent = AgentArgument();
        var reason = Reason();
        var command = new Command("enable", "Lift the kill switch ('mandate agents disable', 'mandate revoke --agent') so the agent can get new credentials") { config, agent, reason };
        command.SetAction((parse, ct) => !RevokeCommand.IsAgentId(parse.GetValue(agent)!)
            ? Task.FromResult(ExitCodes.Usage)
            : RunCommands.WithAdminAsync(parse.GetValue(config)!, async admin =>
            {
                await admin.EnableAgentAsync(parse.GetValue(agent)!, parse.GetValue(reason), ct);
                Output.Line($"[green]enabled[/] {Output.Escape(parse.GetValue(agent)!)}; credentials it held before stay revoked");
            }));
        return command;
    }

    private static Argument<string> AgentArgument() => new("agent") { Description = "The agent's SPIFFE ID" };

    private static Option<string?> Reason() => new("--reason", "-r") { Description = "Why (at most 500 characters on one line, no token); recorded in the audit trail" };
}
