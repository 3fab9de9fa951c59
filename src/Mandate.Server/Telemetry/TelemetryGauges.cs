using System.Diagnostics.Metrics;
using Mandate.Core;
using Mandate.Core.Approvals;
using Mandate.Core.Runs;
using Mandate.Core.Storage;
using Mandate.Core.Telemetry;

namespace Mandate.Server.Telemetry;

/// <summary>
/// Observable gauges: store availability (read from <see cref="StoreHealth"/>, free), approvals pending and
/// active runs (store queries, at most one per <see cref="RefreshEvery"/>, run in the background so an export never
/// waits on the store). Counts stop at <see cref="CountLimit"/>.
/// </summary>
internal sealed class TelemetryGauges : IDisposable
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(15);
    public const int CountLimit = 10_000;

    private readonly Meter _meter = new(MandateTelemetry.Name);
    private readonly StoreHealth _health;
    private readonly IMandateStore _store;
    private readonly TimeProvider _time;
    private DateTimeOffset _refreshedAt = DateTimeOffset.MinValue;
    private int _refreshing;
    private int _pendingApprovals;
    private int _activeRuns;

    public TelemetryGauges(StoreHealth health, IMandateStore store, TimeProvider time)
    {
        _health = health;
        _store = store;
        _time = time;
        _meter.CreateObservableGauge("mandate.store.available", () => _health.IsHealthy ? 1 : 0, "{bool}", "1 while the store accepts writes, 0 during an outage");
        _meter.CreateObservableGauge("mandate.approvals.pending", () => Counted(ref _pendingApprovals), "{approval}", "Approvals waiting for a decision");
        _meter.CreateObservableGauge("mandate.runs.active", () => Counted(ref _activeRuns), "{run}", "Runs not ended (an expired run counts until it is ended)");
    }

    public void Dispose() => _meter.Dispose();

    private int Counted(ref int field)
    {
        var now = _time.GetUtcNow();
        if (now - _refreshedAt >= RefreshEvery && Interlocked.Exchange(ref _refreshing, 1) == 0)
        {
            _refreshedAt = now;
            _ = RefreshAsync();
        }

        return Volatile.Read(ref field);
    }

    private async Task RefreshAsync()
    {
        try
        {
            var pending = await _store.ListApprovalsAsync(ApprovalStatus.Pending, CountLimit, CancellationToken.None);
            var runs = await _store.ListRunsAsync(new RunQuery { OpenOnly = true, Limit = CountLimit }, CancellationToken.None);
            Volatile.Write(ref _pendingApprovals, pending.Count);
            Volatile.Write(ref _activeRuns, runs.Count);
        }
        catch (StoreUnavailableException)
        {
            // The availability gauge already says so; the counts keep their last value.
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }
}
