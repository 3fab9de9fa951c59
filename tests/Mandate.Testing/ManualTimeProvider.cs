namespace Mandate.Testing;

/// <summary>
/// A clock that moves only when a test calls <see cref="Advance"/>; timers fire during that call.
/// Microsoft.Extensions.TimeProvider.Testing is not in the package mirror, hence this one.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private readonly List<(TimeSpan DueIn, TaskCompletionSource Armed)> _dueInWaiters = [];
    private readonly List<(TimeSpan Period, TaskCompletionSource Armed)> _periodWaiters = [];
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private TaskCompletionSource _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ManualTimeProvider()
    {
    }

    /// <summary>A clock that starts at <paramref name="start"/>: a browser, which keeps its own time, needs today.</summary>
    public ManualTimeProvider(DateTimeOffset start) => _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Completes once some timer is armed (for code that arms timers on another thread).</summary>
    public Task WhenTimerArmedAsync()
    {
        lock (_lock)
        {
            return _timers.Any(t => t.Due is not null) ? Task.CompletedTask : _armed.Task;
        }
    }

    /// <summary>
    /// Completes once a timer is armed, after this call, to fire <paramref name="dueIn"/> from then: how a test learns that
    /// code on another thread has started one particular wait (a deadline of that length) before it moves the clock.
    /// </summary>
    public Task WhenTimerArmedAsync(TimeSpan dueIn)
    {
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _dueInWaiters.Add((dueIn, armed));
        }

        return armed.Task;
    }

    /// <summary>
    /// Completes once a periodic timer of <paramref name="period"/> is armed, now or later: code that starts its timer on
    /// another thread (a hosted service) has started it, so moving the clock by a period ticks it.
    /// </summary>
    public Task WhenPeriodicTimerArmedAsync(TimeSpan period)
    {
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_timers.Any(t => t.Due is not null && t.Period == period))
            {
                return Task.CompletedTask;
            }

            _periodWaiters.Add((period, armed));
        }

        return armed.Task;
    }

    /// <summary>Moves the clock forward and runs every timer that came due, in due order.</summary>
    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_lock)
        {
            _now += by;
            due = [.. _timers.Where(t => t.Due <= _now).OrderBy(t => t.Due)];
            foreach (var timer in due)
            {
                timer.Due = timer.Period is { } period && period > TimeSpan.Zero ? timer.Due + period : null;
            }

            _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan? Period { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan ? null : period;
                if (Due is not null)
                {
                    owner._armed.TrySetResult();
                    foreach (var waiter in owner._dueInWaiters.Where(w => w.DueIn == dueTime).ToList())
                    {
                        owner._dueInWaiters.Remove(waiter);
                        waiter.Armed.TrySetResult();
                    }

                    foreach (var waiter in owner._periodWaiters.Where(w => w.Period == Period).ToList())
                    {
                        owner._periodWaiters.Remove(waiter);
                        waiter.Armed.TrySetResult();
                    }
                }
            }

            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
