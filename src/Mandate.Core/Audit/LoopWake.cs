namespace Mandate.Core.Audit;

/// <summary>
/// Blocks the commit loop's own thread on a task without spinning first. Task.Wait spins (sched_yield) before it
/// sleeps; the loop mostly waits for exchanges to write, and on a small machine that spinning took CPU from the very
/// exchanges it was waiting for. One waiter at a time: only the loop's thread calls <see cref="Block(Task)"/>.
/// </summary>
internal sealed class LoopWake : IDisposable
{
    private readonly ManualResetEventSlim _woken = new(initialState: false, spinCount: 0);
    private readonly Action _wake;

    public LoopWake() => _wake = _woken.Set;

    public bool Block(ValueTask<bool> pending)
    {
        if (pending.IsCompletedSuccessfully)
        {
            return pending.Result;
        }

        var task = pending.AsTask();
        Block(task);
        return task.Result;
    }

    /// <summary>Returns when <paramref name="pending"/> has completed; rethrows its exception as await would.</summary>
    public void Block(Task pending)
    {
        if (!pending.IsCompleted)
        {
            _woken.Reset();
            pending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_wake);
            _woken.Wait();
        }

        pending.GetAwaiter().GetResult();
    }

    public void Dispose() => _woken.Dispose();
}
