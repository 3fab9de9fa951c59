using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Mandate.Server.Hosting;

/// <summary>
/// The generic host's own entries (categories under <c>Microsoft.Extensions.Hosting</c>), one line each, exception
/// message included and stack trace left out: a shutdown that timed out or a lifetime callback that threw stays
/// visible. The entries for a background service's fault are left out, because the broker reports that fault itself
/// in one line (<see cref="MandateApp.ThrowIfBackgroundServiceFailed"/>), as it does every start failure its
/// <see cref="MandateApp.StartAsync"/> throws.
/// </summary>
internal sealed class HostLogLines : ILoggerProvider
{
    private const string Category = "Microsoft.Extensions.Hosting";

    // Microsoft.Extensions.Hosting.Internal.LoggerEventIds: BackgroundServiceFaulted, BackgroundServiceStoppingHost, HostedServiceStartupFaulted.
    private static readonly int[] ReportedByTheBroker = [9, 10, 11];

    private readonly TextWriter _output;
    private readonly TimeProvider _time;

    private HostLogLines(TextWriter output, TimeProvider time)
    {
        _output = output;
        _time = time;
    }

    /// <summary>Sends the host's categories here instead of the console logger, which would print their stack traces.</summary>
    public static void AddTo(ILoggingBuilder logging, TextWriter output, TimeProvider time)
    {
        logging.AddFilter<ConsoleLoggerProvider>(Category, LogLevel.None);
        logging.AddProvider(new HostLogLines(output, time));
    }

    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith(Category, StringComparison.Ordinal) ? new Line(this, categoryName) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Line(HostLogLines provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Warning and < LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel) || ReportedByTheBroker.Contains(eventId.Id))
            {
                return;
            }

            var cause = exception is null ? "" : $": {exception.GetType().Name}: {exception.Message}";
            var text = string.Create(CultureInfo.InvariantCulture, $"{provider._time.GetLocalNow():HH:mm:ss} {Level(logLevel)}: {category}[{eventId.Id}] {formatter(state, exception)}{cause}");
            provider._output.WriteLine(text.ReplaceLineEndings(" "));
        }

        private static string Level(LogLevel level) => level switch
        {
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
