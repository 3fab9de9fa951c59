namespace Mandate.Core.Storage;

/// <summary>
/// Whether the store currently makes writes durable. The store reports the outcome of every write; this
/// turns that stream into transitions (healthy → failing with its cause, failing → healthy), so an outage
/// is logged once with its cause instead of once per refused request.
/// </summary>
public sealed class StoreHealth
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private StoreHealthChange _current;
    private bool _checkpointBlocked;

    public StoreHealth(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _current = new StoreHealthChange(true, StoreFailureCause.Unknown, null, time.GetUtcNow());
    }

    /// <summary>Raised on every transition, outside any lock, in the order they happened for one reporter.</summary>
    public event EventHandler<StoreHealthChange>? Changed;

    /// <summary>Raised when the WAL could not be checkpointed (true) and when it could again (false).</summary>
    public event EventHandler<CheckpointStateChange>? CheckpointChanged;

    /// <summary>The latest state.</summary>
    public StoreHealthChange Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public bool IsHealthy => Current.Healthy;

    /// <summary>A write was made durable.</summary>
    public void ReportSuccess() => Transition(true, StoreFailureCause.Unknown, null);

    /// <summary>A write failed; a new cause while already failing is a transition too.</summary>
    public void ReportFailure(StoreUnavailableException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        Transition(false, failure.Cause, failure.Message);
    }

    /// <summary>The WAL could (false) or could not (true) be checkpointed; raised only when that changes.</summary>
    public void ReportCheckpoint(bool blocked, long walBytes)
    {
        lock (_gate)
        {
            if (_checkpointBlocked == blocked)
            {
                return;
            }

            _checkpointBlocked = blocked;
        }

        CheckpointChanged?.Invoke(this, new CheckpointStateChange(blocked, walBytes));
    }

    private void Transition(bool healthy, StoreFailureCause cause, string? detail)
    {
        StoreHealthChange change;
        lock (_gate)
        {
            if (_current.Healthy == healthy && (healthy || _current.Cause == cause))
            {
                return;
            }

            change = new StoreHealthChange(healthy, cause, detail, _time.GetUtcNow());
            _current = change;
        }

        Changed?.Invoke(this, change);
    }
}
