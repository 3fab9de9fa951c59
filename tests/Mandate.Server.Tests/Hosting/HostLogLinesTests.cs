using Mandate.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Tests.Hosting;

/// <summary>
/// The generic host's warnings stay visible, one line each (a shutdown that timed out, a lifetime callback that threw);
/// only its entries for a fault the broker reports itself in one line (a background service's, a failed start) are left out.
/// </summary>
public sealed class HostLogLinesTests
{
    private const string Host = "Microsoft.Extensions.Hosting.Internal.Host";

    [Theory]
    [InlineData(Host, LogLevel.Warning, 99)]
    [InlineData(Host, LogLevel.Error, 5)]
    [InlineData("Microsoft.Extensions.Hosting.Internal.ApplicationLifetime", LogLevel.Critical, 6)]
    public void HostWarning_ShowsAsOneLineWithItsCauseAndNoStackTrace(string category, LogLevel level, int eventId)
    {
        var lines = Write(category, level, eventId, Thrown());

        var line = Assert.Single(lines);
        Assert.Contains($"{category}[{eventId}] the host did not stop in time: TimeoutException: stopping took too long, gave up", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    public void BackgroundServiceFaultOrFailedStart_LeftToTheBrokersOwnLine(int eventId)
    {
        Assert.Empty(Write(Host, LogLevel.Critical, eventId, Thrown()));
    }

    [Theory]
    [InlineData(Host, LogLevel.Information)]
    [InlineData("Mandate.Server.Hosting.MandateRuntime", LogLevel.Warning)]
    public void BelowWarningOrAnotherCategory_NotWrittenHere(string category, LogLevel level)
    {
        Assert.Empty(Write(category, level, 1, null));
    }

    private static string[] Write(string category, LogLevel level, int eventId, Exception? exception)
    {
        using var output = new StringWriter();
        using (var factory = LoggerFactory.Create(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            HostLogLines.AddTo(logging, output, TimeProvider.System);
        }))
        {
#pragma warning disable CA1848, CA2254 // The host's own entries are what is under test, not a message of ours.
            factory.CreateLogger(category).Log(level, new EventId(eventId), exception, "the host did not stop in time");
#pragma warning restore CA1848, CA2254
        }

        return output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
    }

    private static TimeoutException Thrown()
    {
        try
        {
            throw new TimeoutException("stopping took too long,\ngave up");
        }
        catch (TimeoutException e)
        {
            return e;
        }
    }
}
