using System.CommandLine;
using System.Text.RegularExpressions;
using Mandate.Cli.Commands;

namespace Mandate.Cli.Tests;

/// <summary>Every <c>mandate …</c> command line the READMEs and docs/ give, in code blocks and inline code, is one the command accepts.</summary>
public sealed partial class DocCommandLineTests
{
    [Fact]
    public void Docs_EveryOptionOfAMandateCommandLine_IsAnOptionOfThatCommand()
    {
        var root = MandateCli.CreateRootCommand();
        var unknown = new List<string>();
        foreach (var (where, line) in CommandLines())
        {
            var words = Words(line);
            foreach (var (command, path) in Commands(root, words))
            {
                var options = command.Options.Concat(root.Options).SelectMany(o => o.Aliases.Prepend(o.Name)).ToHashSet(StringComparer.Ordinal);
                foreach (var option in words.Where(w => w.StartsWith('-') && w.Length > 1).Select(w => w.Split('=')[0]))
                {
                    if (!options.Contains(option))
                    {
                        unknown.Add($"{where}: {line}: {option} is no option of 'mandate {path}'");
                    }
                }
            }
        }

        Assert.True(unknown.Count == 0, "options the docs give that the command does not have:\n" + string.Join('\n', unknown));
    }

    /// <summary>The commands a line names, with their paths: subcommand words are followed from the root, <c>a|b</c> naming each.</summary>
    private static IEnumerable<(Command Command, string Path)> Commands(Command root, IReadOnlyList<string> words)
    {
        List<(Command Command, string Path)> at = [(root, "")];
        foreach (var word in words)
        {
            var next = at.SelectMany(c => word.Split('|')
                .Select(w => c.Command.Subcommands.FirstOrDefault(s => s.Name == w))
                .OfType<Command>()
                .Select(s => (s, (c.Path + " " + s.Name).TrimStart()))).ToList();
            if (next.Count == 0)
            {
                break;
            }

            at = next;
        }

        return at.Where(c => c.Command != root);
    }

    private static IEnumerable<(string Where, string Line)> CommandLines()
    {
        foreach (var file in DocPages.All())
        {
            var where = Path.GetRelativePath(DocLinkTests.Root, file);
            var fenced = false;
            var lines = File.ReadAllText(file).ReplaceLineEndings("\n").Replace("\\\n", " ", StringComparison.Ordinal).Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal))
                {
                    fenced = !fenced;
                    continue;
                }

                // A command substitution inside the line ($(id -u)) is one word to the command.
                var text = Substitution().Replace(lines[i], "value");
                var found = fenced ? InBlock().Matches(text) : Inline().Matches(text);
                foreach (Match m in found)
                {
                    yield return ($"{where}:{i + 1}", m.Groups["line"].Value.Trim());
                }
            }
        }
    }

    /// <summary>The words after <c>mandate</c>, as a shell gives them (double quotes group), optional parts' brackets dropped.</summary>
    private static string[] Words(string line) =>
        [.. Word().Matches(line).Select(m => m.Groups["quoted"].Success ? m.Groups["quoted"].Value : m.Value.Trim('[', ']')).Skip(1)];

    [GeneratedRegex(@"(?:^|\$\(|\s)(?<line>mandate [^#|)`;&<>]*)")]
    private static partial Regex InBlock();

    [GeneratedRegex(@"`(?<line>mandate [^`]*)`")]
    private static partial Regex Inline();

    [GeneratedRegex(@"\$\([^()]*\)")]
    private static partial Regex Substitution();

    [GeneratedRegex(@"""(?<quoted>[^""]*)""|\S+")]
    private static partial Regex Word();
}
