using System.CommandLine;
using Mandate.Cli.Commands;

namespace Mandate.Cli.Tests;

public sealed class HelpTests
{
    [Theory]
    [InlineData("serve")]
    [InlineData("audit")]
    [InlineData("revoke")]
    [InlineData("policy")]
    [InlineData("token")]
    [InlineData("dev")]
    [InlineData("entries")]
    [InlineData("agents")]
    public async Task Help_EveryCommand_IsListedWithADescription(string command)
    {
        var (exit, output) = await CliRunner.RunAsync("--help");

        Assert.Equal(0, exit);
        Assert.Matches($@"\n\s+{command}\s+\S", output);
    }

    [Fact]
    public async Task Help_EntriesCreateJson_DescribesWhatItPrints()
    {
        // entries create prints one line, never a table: "instead of a table" described another command's --json.
        var (exit, output) = await CliRunner.RunAsync("entries", "create", "--help");

        Assert.Equal(0, exit);
        Assert.Contains("Print the created entry as JSON", output, StringComparison.Ordinal);
        Assert.DoesNotContain("instead of a table", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_EveryCommandThatRuns_HasExamples()
    {
        var missing = Leaves(MandateCli.CreateRootCommand(), "mandate").Where(path => !HelpExamples.ByCommand.ContainsKey(path)).ToList();

        Assert.True(missing.Count == 0, "no examples for: " + string.Join(", ", missing));
    }

    [Fact]
    public void Help_EveryExample_IsACommandLineThatParses()
    {
        var root = MandateCli.CreateRootCommand();
        var broken = new List<string>();
        foreach (var (path, examples) in HelpExamples.ByCommand)
        {
            foreach (var example in examples)
            {
                var args = ShellWords(example);
                var parse = root.Parse(args[1..]);
                if (parse.Errors.Count > 0 || UsageErrors.CommandPath(parse.CommandResult) != path)
                {
                    broken.Add($"{example}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
                }
            }
        }

        Assert.True(broken.Count == 0, "examples that do not parse:\n" + string.Join('\n', broken));
    }

    [Theory]
    [InlineData("revoke", "mandate revoke -c mandate.yaml --jti")]
    [InlineData("audit verify", "mandate audit verify -c mandate.yaml\n  mandate audit verify -c mandate.yaml --checkpoint")]
    [InlineData("agents disable", "mandate agents disable -c mandate.yaml spiffe://")]
    public async Task Help_OfACommand_EndsWithItsExamples(string command, string example)
    {
        var (exit, output) = await CliRunner.RunAsync([.. command.Split(' '), "--help"]);

        Assert.Equal(0, exit);
        Assert.Contains("Examples:\n  " + example, output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    private static IEnumerable<string> Leaves(Command command, string path) =>
        command.Subcommands.Count == 0
            ? [path]
            : command.Subcommands.Where(c => !c.Hidden).SelectMany(c => Leaves(c, path + " " + c.Name));

    /// <summary>An example's words as a shell gives them: double quotes group, and a redirection ends the command.</summary>
    private static string[] ShellWords(string line)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in line + " ")
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ' ' && !quoted)
            {
                if (word.Length > 0)
                {
                    if (word.ToString() is "<" or "|" or "#")
                    {
                        break;
                    }

                    words.Add(word.ToString());
                    word.Clear();
                }
            }
            else
            {
                word.Append(c);
            }
        }

        return [.. words];
    }
}
