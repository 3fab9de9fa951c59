using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Mandate.Cli.Commands;

/// <summary><c>--help</c>: the parser's help screen, then the command's examples (<see cref="HelpExamples"/>).</summary>
internal sealed class HelpWithExamplesAction(HelpAction help) : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    /// <summary>Makes the root's <c>--help</c> (which every subcommand inherits) print examples too.</summary>
    public static void Install(RootCommand root)
    {
        var option = root.Options.OfType<HelpOption>().Single();
        option.Action = new HelpWithExamplesAction((HelpAction)option.Action!);
    }

    public override int Invoke(ParseResult parseResult)
    {
        var exit = help.Invoke(parseResult);
        if (HelpExamples.ByCommand.TryGetValue(UsageErrors.CommandPath(parseResult.CommandResult), out var examples))
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine("Examples:");
            foreach (var example in examples)
            {
                output.WriteLine("  " + example);
            }

            output.WriteLine();
        }

        return exit;
    }
}
