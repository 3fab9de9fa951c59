using System.Diagnostics;

namespace Mandate.Core.Audit;

/// <summary>
/// The wait a group commit makes for writes that are on their way, as PostgreSQL's <c>commit_delay</c> with
/// <c>commit_siblings</c>: counts the exchanges in progress (<see cref="AuditWriter.Expect"/>) and the writes queued
/// or committing, and before a group is drained waits, at most <see cref="AuditWriterOptions.CommitDelay"/>, while at
/// least <see cref="AuditWriterOptions.CommitSiblings"/> exchanges have not queued theirs. One caller alone never waits.
/// </summary>
internal sealed class AuditCommitDelay
{
    private readonly TimeSpan _delay;
    private readonly int _siblings;
    private readonly object _gate = new();
    private int _expected;
    private int _pending;
    private int _waiting;

    public AuditCommitDelay(TimeSpan delay, int siblings)
    {
        _delay = delay;
        _siblings = siblings;
    }

    // An exchange that has queued its write is counted in both until the write completes.
    private int OnTheirWay => Volatile.Read(ref _expected) - Volatile.Read(ref _pending);

    /// <summary>Exactly one exchange in progress and no write queued or committing.</summary>
    public bool Alone => Volatile.Read(ref _expected) == 1 && Volatile.Read(ref _pending) == 0;

    public void ExchangeStarted() => Interlocked.Increment(ref _expected);

    public void ExchangeEnded()
    {
        Interlocked.Decrement(ref _expected);
        WakeIfFew();
    }

    public void Queued()
    {
        Interlocked.Increment(ref _pending);
        WakeIfFew();
    }

    /// <summary>Writes that completed, committed or failed.</summary>
    public void Done(int writes) => Interlocked.Add(ref _pending, -writes);

    /// <summary>On the commit loop, before it drains a group: waits while enough exchanges are still on their way.</summary>
    public void WaitForSiblings()
    {
        if (_delay <= TimeSpan.Zero || OnTheirWay < _siblings)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            // Announced before the counts are read again: a caller that changes them afterwards sees it and wakes us.
            Interlocked.Exchange(ref _waiting, 1);
            try
            {
                TimeSpan remaining;
                while (OnTheirWay >= _siblings && (remaining = _delay - Stopwatch.GetElapsedTime(started)) > TimeSpan.Zero)
                {
                    // Whole milliseconds, rounded up: a zero wait would spin until the deadline.
                    Monitor.Wait(_gate, (int)Math.Ceiling(remaining.TotalMilliseconds));
                }
            }
            finally
            {
                Volatile.Write(ref _waiting, 0);
            }
        }
    }

    private void WakeIfFew()
    {
        // The count changed (an interlocked operation, a full fence) before the flag is read.
        if (Volatile.Read(ref _waiting) == 1 && OnTheirWay < _siblings)
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }
}
