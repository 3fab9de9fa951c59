using System.CommandLine;
using Mandate.Core.Audit;

namespace Mandate.Cli.Commands;

/// <summary>
/// <c>--reason</c> and <c>--approver</c> go into the audit trail, which keeps them for good: held to the broker's own rule
/// (<see cref="OperatorText"/>) before anything is sent, so a token or an escape sequence pasted into one is a usage error
/// (exit 2) naming the option and the rule, and the value is never printed back.
/// </summary>
internal static class OperatorTextOptions
{
    private static readonly string[] Recorded = ["--reason", "--approver"];

    /// <summary>Adds the check to every recorded text option of <paramref name="command"/> and the commands below it.</summary>
    public static void RefuseIn(Command command)
    {
        foreach (var option in command.Options.Where(o => Recorded.Contains(o.Name) && o.ValueType == typeof(string)))
        {
            option.Validators.Add(result =>
            {
                if (result.Tokens.Select(t => OperatorText.Problem(option.Name, t.Value)).FirstOrDefault(p => p is not null) is { } problem)
                {
                    result.AddError(problem);
                }
            });
        }

        foreach (var subcommand in command.Subcommands)
        {
            RefuseIn(subcommand);
        }
    }
}
