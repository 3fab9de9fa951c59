using System.CommandLine;

namespace Mandate.Cli.Commands;

/// <summary>The <c>mandate</c> command tree.</summary>
internal static class MandateCli
{
    public static RootCommand CreateRootCommand() =>
        new("Mandate: workload identity and credential broker for AI agents. The model proposes; Mandate decides whether the step gets a credential.")
        {
            ServeCommand.Create(),
            AuditCommands.Create(),
            RevokeCommand.Create(),
            ApprovalCommands.Create(),
            ConsoleCommands.Create(),
            RunCommands.Create(),
            AgentCommands.Create(),
            EntryCommands.Create(),
            PolicyCommands.Create(),
            TokenCommands.Create(),
            DevCommands.Create(),
            SecretCommands.Create(),
        };
}
