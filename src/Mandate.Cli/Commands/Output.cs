using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary>Terminal output: colour only when a person is watching (a terminal, and NO_COLOR unset).</summary>
internal static class Output
{
    private static IAnsiConsole? _console;
    private static IAnsiConsole? _errors;

    public static IAnsiConsole Console => _console ??= Create(System.Console.Out, System.Console.IsOutputRedirected);

    private static IAnsiConsole Errors => _errors ??= Create(System.Console.Error, System.Console.IsErrorRedirected);

    /// <summary>Sends output to a writer without colour (tests, the demo's transcript).</summary>
    public static void RedirectTo(TextWriter writer)
    {
        _console = Create(writer, redirected: true);
        _errors = _console;
    }

    public static void Line(string markup) => Console.MarkupLine(markup);

    public static void Plain(string text) => Console.WriteLine(text);

    public static void Error(string text) => Errors.MarkupLine($"[red]error:[/] {Markup.Escape(text)}");

    public static void ErrorLine(string text) => Errors.WriteLine(text);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var plain = redirected || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 };
        return AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Out = new AnsiConsoleOutput(writer),
        });
    }
}
