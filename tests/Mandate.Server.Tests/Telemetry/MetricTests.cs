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
}
