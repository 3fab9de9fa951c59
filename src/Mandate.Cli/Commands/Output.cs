using Mandate.Core.Protocol;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary>Terminal output: colour only when a person is watching (a terminal, and NO_COLOR unset).</summary>
internal static class Output
{
    private static IAnsiConsole? _console;
    private static IAnsiConsole? _errors;
    private static TextWriter? _plain;

    public static IAnsiConsole Console => _console ??= Create(System.Console.Out, System.Console.IsOutputRedirected);

    private static IAnsiConsole Errors => _errors ??= Create(System.Console.Error, System.Console.IsErrorRedirected);

    /// <summary>Sends output to a writer without colour (tests, the demo's transcript).</summary>
    public static void RedirectTo(TextWriter writer)
    {
        _console = Create(writer, redirected: true);
        _errors = _console;
        _plain = writer;
    }

    public static void Line(string markup) => Console.MarkupLine(markup);

    /// <summary>Machine-readable output (tokens, JSON): written as is, never wrapped or styled.</summary>
    public static void Plain(string text) => (_plain ?? System.Console.Out).WriteLine(text);

    /// <summary>
    /// One <c>error:</c> line, never wrapped however long (a broker's reason, a list of names): a log or a test reads it whole.
    /// </summary>
    public static void Error(string text)
    {
        Errors.Markup("[red]error:[/] ");
        Errors.Profile.Out.Writer.WriteLine(VisibleText.Of(text));
    }

    /// <summary>
    /// Text from elsewhere (the store, the broker, a token) made safe to print inside markup: markup brackets escaped,
    /// and control and bidirectional-override characters shown as <c>\u001B</c> instead of reaching the terminal, where a
    /// tool name or reason chosen by an agent could move the cursor, clear the screen or forge a line.
    /// </summary>
    public static string Escape(string? text) => string.IsNullOrEmpty(text) ? "" : Markup.Escape(VisibleText.Of(text));

    /// <summary>A time from the admin API in the one form every table uses (<c>2026-12-05 10:47:44Z</c>), escaped.</summary>
    public static string Time(string? value) =>
        DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var time)
            ? time.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture)
            : Escape(value);

    public static void ErrorLine(string text) => Errors.WriteLine(text);

    /// <summary>
    /// Before reading standard input: says what to type, on standard error, when a person is at the keyboard (stdin is a
    /// terminal), instead of waiting in silence; nothing when the input is piped or redirected, so scripts read clean output.
    /// </summary>
    public static void PromptForInput(string text) => PromptForInput(text, System.Console.IsInputRedirected);

    internal static void PromptForInput(string text, bool inputRedirected)
    {
        if (!inputRedirected)
        {
            Errors.WriteLine(text);
        }
    }

    /// <summary>
    /// Colour only on a terminal, and never when <c>NO_COLOR</c> is set to anything but the empty string (https://no-color.org).
    /// </summary>
    internal static bool UsesColour(bool redirected, string? noColor) => !redirected && string.IsNullOrEmpty(noColor);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var plain = !UsesColour(redirected, Environment.GetEnvironmentVariable("NO_COLOR"));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Out = new AnsiConsoleOutput(writer),
        });
        if (redirected)
        {
            // Logs and pipes want one record per line, not text wrapped at an imagined 80 columns.
            console.Profile.Width = 240;
        }

        return console;
    }
}
