using System.CommandLine;
using System.CommandLine.Parsing;
using Mandate.Policy;

namespace Mandate.Cli.Commands;

/// <summary>
/// A command line the parser refused: one short error naming the first problem, "did you mean" when a command or option is
/// close to what was typed, and which help to read; exit code 2. Never the whole help screen, which buries the one line
/// that matters.
/// </summary>
internal static class UsageErrors
{
    public static int Report(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var path = CommandPath(parse.CommandResult);
        Output.Error(Describe(parse, command, path));
        Output.ErrorLine($"run '{path} --help' for {(command.Subcommands.Count > 0 ? "the list of commands" : "usage and options")}");
        return ExitCodes.Usage;
    }

    private static string Describe(ParseResult parse, Command command, string path)
    {
        if (parse.UnmatchedTokens.Count > 0)
        {
            // The first one: the rest are usually its value or follow from it (an option misspelt leaves its value unmatched).
            return Unmatched(parse.UnmatchedTokens[0], command, path);
        }

        if (command.Subcommands.Count > 0 && command.Action is null)
        {
            return $"'{path}' needs a command: {string.Join(", ", Visible(command.Subcommands).Select(c => c.Name))}";
        }

        // 'mandate runs end': the parser says only "Required argument missing for command: 'end'"; name what is missing.
        if (command.Arguments.FirstOrDefault(a => a.Arity.MinimumNumberOfValues > 0 && parse.CommandResult.GetResult(a) is not { Tokens.Count: > 0 }) is { } missing)
        {
            return $"'{path}' needs <{missing.Name}>" + (missing.Description is { Length: > 0 } d ? $": {d}" : "");
        }

        // The parser's own wording for the rest (a required option, a malformed number, a validator's message) is precise.
        return parse.Errors[0].Message;
    }

    private static string Unmatched(string token, Command command, string path)
    {
        // 'mandate -c x runs list': the command takes the option, but it was typed before the command's name.
        if (Visible(command.Options).Any(o => o.Name == token || o.Aliases.Contains(token)))
        {
            return $"'{token}' is an option of '{path}' and goes after its name: {path} {token} …";
        }

        if (token.StartsWith("--", StringComparison.Ordinal))
        {
            var names = Visible(command.Options).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)).ToList();
            return $"unknown option '{token}' for '{path}'" + Suggestion(token, names);
        }

        if (token.StartsWith('-'))
        {
            return $"unknown option '{token}' for '{path}'";
        }

        if (command.Subcommands.Count == 0)
        {
            return $"unexpected argument '{token}' for '{path}'";
        }

        // 'mandate audit qurey': name the command as typed under its parent, and suggest the whole corrected command.
        var parent = path.Length > "mandate".Length ? path["mandate ".Length..] + " " : "";
        var suggestion = NameSuggestions.Closest(token, Visible(command.Subcommands).SelectMany(c => c.Aliases.Prepend(c.Name)));
        return $"unknown command '{parent}{token}'" + (suggestion is null ? "" : $"; did you mean '{parent}{suggestion}'?");
    }

    private static string Suggestion(string typed, IEnumerable<string> known) =>
        NameSuggestions.Closest(typed, known) is { } suggestion ? $"; did you mean '{suggestion}'?" : "";

    private static IEnumerable<T> Visible<T>(IEnumerable<T> symbols)
        where T : Symbol => symbols.Where(s => !s.Hidden);

    /// <summary><c>mandate audit query</c>: the root is always called <c>mandate</c>, whatever the executable's file name.</summary>
    internal static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (var current = result; current.Parent is CommandResult parent; current = parent)
        {
            names.Add(current.Command.Name);
        }

        names.Add("mandate");
        names.Reverse();
        return string.Join(' ', names);
    }
}
