using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.RegularExpressions;
using Mandate.Core.Telemetry;
using Mandate.Server.Telemetry;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>
/// docs/telemetry.md is what an operator builds dashboards and alerts from: every span, attribute and metric it lists
/// exists under that name, with that kind and unit, and every attribute the broker sets is listed.
/// </summary>
public sealed partial class TelemetryDocsTests : TelemetryTest
{
    protected override string Configuration => TestBroker.Configuration + "\naudit:\n  stream:\n    file: siem/audit.jsonl\n";

    private static string Page => File.ReadAllText(Path.Combine(NodeProjects.RepositoryRoot(), "docs", "telemetry.md"));

    [Fact]
    public void Spans_TheDocumentedNamesAreTheOnesTheBrokerStarts()
    {
        var documented = SpanRow().Matches(Section("## Spans", "Attributes come from")).Select(m => m.Groups[1].Value);

        Assert.Equal(Constants(typeof(MandateSpan)).Order(), documented.Order());
    }

    [Fact]
    public void SpanAttributes_EveryOneTheBrokerSetsIsDocumented()
    {
        var page = Page;

        Assert.All(Constants(typeof(SpanAttributes)), name => Assert.Contains($"`{name}`", page, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_EveryDocumentedInstrumentExistsWithItsKindAndUnit()
    {
        Expect.Issued(await Broker.ExchangeAsync(Broker.RefundRequest()));
        await Broker.IntrospectAsync("not-a-credential", Broker.Svid(TestBroker.RefundsWorkload));
        var published = new Dictionary<string, Instrument>();
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == MandateTelemetry.Name)
                {
                    published[instrument.Name] = instrument;
                }
            };
            listener.Start();
        }

        var rows = MetricRow().Matches(Section("## Metrics", "\n## ")).ToList();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var (name, unit, kind) = (row.Groups["name"].Value, row.Groups["unit"].Value, row.Groups["kind"].Value);
            Assert.True(published.TryGetValue(name, out var instrument), $"{name} is documented but no Mandate instrument has that name");
            var type = instrument!.GetType().Name;
            Assert.True(kind switch
            {
                "counter" => type.StartsWith("Counter", StringComparison.Ordinal),
                "histogram" => type.StartsWith("Histogram", StringComparison.Ordinal),
                _ => type.StartsWith("ObservableGauge", StringComparison.Ordinal) || type.StartsWith("Gauge", StringComparison.Ordinal),
            }, $"{name} is documented as a {kind} but is a {type}");
            if (unit.Length > 0)
            {
                Assert.Equal((name, unit), (name, instrument.Unit));
            }
        }

        Assert.All(published.Keys, name => Assert.Contains(rows, r => r.Groups["name"].Value == name));
    }

    /// <summary>The page from <paramref name="heading"/> up to the next <paramref name="until"/>.</summary>
    private static string Section(string heading, string until)
    {
        var page = Page;
        var start = page.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, heading);
        var end = page.IndexOf(until, start + heading.Length, StringComparison.Ordinal);
        return end < 0 ? page[start..] : page[start..end];
    }

    private static List<string> Constants(Type type) =>
        [.. type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)];

    [GeneratedRegex(@"^\| `(mandate\.[a-z_.]+)` \|", RegexOptions.Multiline)]
    private static partial Regex SpanRow();

    [GeneratedRegex(@"^\| `(?<name>mandate\.[a-z_.]+)`(?: \((?<unit>[^)]+)\))? \| (?<kind>counter|histogram|gauge) \|", RegexOptions.Multiline)]
    private static partial Regex MetricRow();
}
