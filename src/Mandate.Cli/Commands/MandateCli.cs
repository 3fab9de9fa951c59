using System.CommandLine;
using System.CommandLine.Invocation;

namespace Mandate.Cli.Commands;

/// <summary>The <c>mandate</c> command tree.</summary>
internal static class MandateCli
{
    /// <summary>Parses and runs a command line; a line the parser refuses gets a short usage error (<see cref="UsageErrors"/>), exit code 2.</summary>
    public static Task<int> RunAsync(string[] args, InvocationConfiguration? invocation = null)
    {
        var parse = CreateRootCommand().Parse(args);
        return parse.Action is ParseErrorAction ? Task.FromResult(UsageErrors.Report(parse)) : parse.InvokeAsync(invocation);
    }

    public static RootCommand CreateRootCommand()
    {
        var root = CreateCommandTree();
        EmptyValues.RefuseIn(root);
        OperatorTextOptions.RefuseIn(root);
        HelpWithExamplesAction.Install(root);
        return root;
    }

    private static RootCommand CreateCommandTree() =>
        new("""
            Mandate: workload identity and credential broker for AI agents. The model proposes; Mandate decides whether the step gets a credential.

            Exit codes: 0 done; 1 the answer is no (the broker refused, a check failed, not found); 2 usage or set-up error (the command line, a configuration or input file, a store that cannot be opened as configured); 3 unavailable, try again (a broker that cannot be reached or answers 503, a store locked by another process or whose server cannot be reached).
            """)
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
            KeyCommands.Create(),
        };
}
