using Spectre.Console;

namespace Mandate.Examples.Demo;

/// <summary>The demo's transcript: colour only when a person is watching (a terminal, and NO_COLOR unset).</summary>
internal static class DemoOutput
{
    private static IAnsiConsole? _console;

    private static IAnsiConsole Console => _console ??= Create(System.Console.Out, System.Console.IsOutputRedirected);

    /// <summary>Sends the transcript to a writer without colour (tests).</summary>
    public static void RedirectTo(TextWriter writer) => _console = Create(writer, redirected: true);

    public static void Line(string markup) => Console.MarkupLine(markup);

    public static void Error(string text) => Console.MarkupLine($"[red]error:[/] {Markup.Escape(text)}");

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var plain = redirected || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Out = new AnsiConsoleOutput(writer),
        });
        if (redirected)
        {
            // One record per line, not text wrapped at an imagined 80 columns.
            console.Profile.Width = 240;
        }

        return console;
    }
}
