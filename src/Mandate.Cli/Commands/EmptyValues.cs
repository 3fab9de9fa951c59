using System.CommandLine;
using System.CommandLine.Parsing;

namespace Mandate.Cli.Commands;

/// <summary>
/// An empty value (<c>--user ""</c>, <c>runs end ""</c>, often an unset shell variable) is refused on every option and
/// argument that takes text, naming it: as a filter it would match nothing and read as "no records", and as a target it
/// would act on nothing. Leaving the option out is how to mean "any".
/// </summary>
internal static class EmptyValues
{
    /// <summary>Adds the check to every text option and argument of <paramref name="command"/> and the commands below it.</summary>
    public static void RefuseIn(Command command)
    {
        foreach (var option in command.Options.Where(o => o.ValueType == typeof(string) || o.ValueType == typeof(string[])))
        {
            // First, so an empty --kind or --since is called empty rather than "not a kind" or "not a time".
            option.Validators.Insert(0, result => Check(result, option.Name, option.Required ? "give its value" : "give a value or leave the option out"));
        }

        foreach (var argument in command.Arguments.Where(a => a.ValueType == typeof(string)))
        {
            argument.Validators.Insert(0, result => Check(result, $"<{argument.Name}>", "give its value"));
        }

        foreach (var subcommand in command.Subcommands)
        {
            RefuseIn(subcommand);
        }
    }

    private static void Check(SymbolResult result, string name, string fix)
    {
        if (result.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
        {
            // An unset shell variable ("$RUN_ID") is the usual cause.
            result.AddError($"{name} is empty; {fix} (is a shell variable unset?)");
        }
    }
}
