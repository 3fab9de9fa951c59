using System.CommandLine;
using Mandate.Cli.Commands;

var root = new RootCommand("Mandate: workload identity and credential broker for AI agents. The model proposes; Mandate decides whether the step gets a credential.")
{
    ServeCommand.Create(),
    DemoCommand.Create(),
    AuditCommands.Create(),
    RevokeCommand.Create(),
    PolicyCommands.Create(),
    TokenCommands.Create(),
    DevCommands.Create(),
};
return await root.Parse(args).InvokeAsync();
