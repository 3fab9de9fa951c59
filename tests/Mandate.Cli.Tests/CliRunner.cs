using Mandate.Cli.Commands;

// The CLI writes through one static console; tests take turns.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Mandate.Cli.Tests;

/// <summary>Runs the real <c>mandate</c> command tree in-process and captures its output.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        using var writer = new StringWriter();
        Output.RedirectTo(writer);
        var exit = await MandateCli.RunAsync(args, new System.CommandLine.InvocationConfiguration { Output = writer, Error = writer });
        return (exit, writer.ToString());
    }
}
