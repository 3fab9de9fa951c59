using System.Diagnostics;
using Mandate.Server.Tests.Harness;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>A broker with telemetry on, exporting spans and metrics to memory.</summary>
[Collection(TelemetryTestsRunAlone.Name)]
public abstract class TelemetryTest : IAsyncLifetime
{
    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];

    protected BrokerHarness Broker { get; private set; } = null!;

    protected virtual string Policy => TestBroker.Policy;

    protected virtual string Configuration => TestBroker.Configuration;

    public async Task InitializeAsync() => Broker = await StartBrokerAsync();

    public virtual async Task DisposeAsync() => await Broker.DisposeAsync();

    /// <summary>Starts the broker with <see cref="Exporters"/>; a test that needs more around it (an MCP gateway) starts it its own way.</summary>
    protected virtual Task<BrokerHarness> StartBrokerAsync() => BrokerHarness.StartAsync(Policy, configuration: Configuration, telemetry: Exporters);

    protected void Exporters(IOpenTelemetryBuilder builder)
    {
        builder.WithTracing(t => t.AddInMemoryExporter(_spans));
        builder.WithMetrics(m => m.AddInMemoryExporter(_metrics));
    }

    /// <summary>The finished Mandate spans named <paramref name="name"/> (exported as each one ends).</summary>
    protected List<Activity> Spans(string name)
    {
        Broker.App.App.Services.GetRequiredService<TracerProvider>().ForceFlush();
        lock (_spans)
        {
            return [.. _spans.Where(s => s.Source.Name == "Mandate" && s.DisplayName == name)];
        }
    }

    /// <summary>All spans exported so far, any source.</summary>
    protected List<Activity> AllSpans()
    {
        Broker.App.App.Services.GetRequiredService<TracerProvider>().ForceFlush();
        lock (_spans)
        {
            return [.. _spans];
        }
    }

    /// <summary>
    /// The one Mandate span named <paramref name="name"/> in <paramref name="agent"/>'s trace. A span ends just after
    /// the response is written, so it is awaited (bounded) rather than expected at once.
    /// </summary>
    internal Activity SpanOf(TracedAgent agent, string name) => Assert.Single(Eventually(() => Spans(name).Where(s => s.TraceId == agent.TraceId).ToList()));

    /// <summary>Polls <paramref name="read"/> until it returns something, for at most five seconds.</summary>
    protected static List<T> Eventually<T>(Func<List<T>> read)
    {
        var deadline = Stopwatch.StartNew();
        var found = read();
        while (found.Count == 0 && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            Thread.Yield();
            found = read();
        }

        return found;
    }

    /// <summary>Collects the metrics now and returns the points of <paramref name="name"/>.</summary>
    protected List<MetricPoint> Points(string name) => [.. AllPoints().Where(p => p.Metric == name).Select(p => p.Point)];

    /// <summary>Collects the metrics now and returns every point of every Mandate instrument, with its instrument's name.</summary>
    protected List<(string Metric, MetricPoint Point)> AllPoints()
    {
        _metrics.Clear();
        Broker.App.App.Services.GetRequiredService<MeterProvider>().ForceFlush();
        var points = new List<(string, MetricPoint)>();
        foreach (var metric in _metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                points.Add((metric.Name, point));
            }
        }

        return points;
    }

    /// <summary>The count of <paramref name="metric"/>'s series whose <paramref name="attribute"/> is <paramref name="value"/>, once it reaches <paramref name="expected"/> (bounded wait: a counter is added as the response completes).</summary>
    protected long CountOf(string metric, string attribute, string value, long expected = 1)
    {
        var points = Eventually(() => Points(metric).Where(p => Tag(p, attribute) == value && p.GetSumLong() >= expected).ToList());
        return points.Count == 0 ? 0 : Assert.Single(points).GetSumLong();
    }

    protected static string? Tag(Activity span, string name) => span.GetTagItem(name)?.ToString();

    protected static string? Tag(MetricPoint point, string name)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }
}
