using Mandate.Server.Telemetry;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Telemetry;

/// <summary>The Mandate meter through an in-memory metric exporter.</summary>
public sealed class MetricTests : TelemetryTest
{
    [Fact]
    public async Task Exchanges_CountedByOutcomeAndCheckId()
    {
        Expect.Issued(await Broker.ExchangeAsync(Broker.RefundRequest()));
        var refused = await Broker.ExchangeAsync(Broker.RefundRequest() with { Scope = "refunds:admin" });
        Expect.Refused(refused, "invalid_scope");

        var points = Eventually(() => Points("mandate.exchanges").Where(p => p.GetSumLong() > 0).ToList());

        Assert.Equal(1, Assert.Single(points, p => Tag(p, SpanAttributes.Outcome) == "issued").GetSumLong());
        var refusal = Assert.Single(points, p => Tag(p, SpanAttributes.Outcome) == "refused");
        Assert.Equal(refused.Member("check_id"), Tag(refusal, SpanAttributes.CheckId));
        Assert.Equal(1, refusal.GetSumLong());
    }

    [Fact]
    public async Task RequestDurationAndAuditCommits_AreRecorded()
    {
        Expect.Issued(await Broker.ExchangeAsync(Broker.RefundRequest()));

        var durations = Eventually(() => Points("mandate.request.duration").Where(p => Tag(p, SpanAttributes.Endpoint) == MandateSpan.Exchange).ToList());
        Assert.Equal(1, Assert.Single(durations).GetHistogramCount());
        Assert.True(Assert.Single(durations).GetHistogramSum() > 0);
        var batches = Assert.Single(Points("mandate.audit.commit.batch_size"));
        Assert.True(batches.GetHistogramCount() >= 1);
        Assert.True(batches.GetHistogramSum() >= batches.GetHistogramCount());
        Assert.True(Assert.Single(Points("mandate.audit.commit.duration")).GetHistogramCount() >= 1);
    }

    [Fact]
    public async Task Gauges_StoreAvailableAndActiveRunsRefreshedFromTheStore()
    {
        Assert.Equal(1, Assert.Single(Points("mandate.store.available")).GetGaugeLastValueLong());
        await Broker.StartRunAsync();
        Broker.Clock.Advance(TelemetryGauges.RefreshEvery);

        var runs = Eventually(() => Points("mandate.runs.active").Where(p => p.GetGaugeLastValueLong() == 1).ToList());

        Assert.Single(runs);
        Assert.Equal(0, Assert.Single(Points("mandate.approvals.pending")).GetGaugeLastValueLong());
    }

    [Fact]
    public async Task Invariant7_FloodOfDistinctHostileValues_AddsNoMetricSeries()
    {
        // Tag values come from fixed sets (outcome, check id, endpoint, status): a caller's tenant, user, tool, scope,
        // description or path never becomes a series, so a flood of distinct ones cannot grow the SDK's memory.
        var hostile = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            var value = $"hostile-{i}-{Guid.NewGuid():N}";
            hostile.Add(value);
            var request = (i % 4) switch
            {
                0 => Broker.RefundRequest() with { Tenant = value },
                1 => Broker.RefundRequest() with { Scope = value },
                2 => Broker.RefundRequest() with { Resource = "https://" + value + ".example/api" },
                _ => Broker.RefundRequest() with { SubjectToken = value, Run = value },
            };
            Assert.NotEqual(200, (int)(await Broker.ExchangeAsync(request)).Status);
            await Broker.PostFormAsync(value, [new("token", value)]);
            await Broker.PostFormAsync("admin/approvals/" + value + "/approve", [new("token", value)]);
            Assert.False((await Broker.IntrospectAsync(value, Broker.Svid(TestBroker.RefundsWorkload))).Json.GetProperty("active").GetBoolean());
            await Broker.RevokeAsync(value, Broker.Svid(TestBroker.SupportAgent));
        }

        Expect.Issued(await Broker.ExchangeAsync(Broker.RefundRequest()));
        Assert.NotEmpty(Eventually(() => Points("mandate.exchanges").Where(p => Tag(p, SpanAttributes.Outcome) == "issued").ToList()));

        var all = AllPoints();
        var series = all.Where(p => p.Metric is "mandate.exchanges" or "mandate.request.duration").ToList();
        Assert.InRange(series.Count, 2, 16);
        Assert.InRange(all.Count(p => p.Metric is "mandate.introspections" or "mandate.revocations"), 2, 4);
        // ASP.NET Core's own request metric is exported, and a caller's path is never its http.route.
        Assert.InRange(all.Count(p => p.Metric == "http.server.request.duration"), 2, 16);
        foreach (var (metric, point) in all)
        {
            foreach (var tag in point.Tags)
            {
                var text = tag.Value?.ToString() ?? "";
                Assert.False(hostile.Any(h => text.Contains(h, StringComparison.Ordinal)), $"{metric} tag {tag.Key} carries a caller's value");
            }
        }
    }
}
