namespace Mandate.Cli.Tests;

/// <summary>The transcripts in docs/cli.md are what the command prints: each <c>$ mandate …</c> line is run, and its output compared.</summary>
public sealed class CliDocTranscriptTests
{
    [Fact]
    public async Task CliDoc_UsageErrorTranscript_IsWhatTheCommandPrints()
    {
        var transcripts = Transcripts(Path.Combine(DocLinkTests.Root, "docs", "cli.md")).ToList();

        Assert.NotEmpty(transcripts);
        foreach (var (command, expected) in transcripts)
        {
            var (exit, output) = await CliRunner.RunAsync(command.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]);

            Assert.Equal(2, exit);
            Assert.Equal(expected, output.ReplaceLineEndings("\n").TrimEnd('\n'));
        }
    }

    /// <summary>Every <c>$ mandate …</c> line of the document's <c>text</c> blocks, with the lines up to the next one.</summary>
    private static IEnumerable<(string Command, string Output)> Transcripts(string path)
    {
        string? command = null;
        var output = new List<string>();
        var inText = false;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inText = !inText && line == "```text";
            }

            if ((!inText || line.StartsWith("$ ", StringComparison.Ordinal)) && command is not null)
            {
                yield return (command, string.Join('\n', output));
                command = null;
                output.Clear();
            }

            if (inText && line.StartsWith("$ mandate ", StringComparison.Ordinal))
            {
                command = line[2..];
            }
            else if (inText && command is not null)
            {
                output.Add(line);
            }
        }
    }
}
