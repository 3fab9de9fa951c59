namespace Mandate.Core.Tests.Audit;

/// <summary>Holds a commit open until the test has queued what it wants behind it.</summary>
internal sealed class CommitGate
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Call from the store: signals that the commit started, then waits for <see cref="Release"/>.</summary>
    public Task HoldAsync()
    {
        _entered.TrySetResult();
        return _released.Task.WaitAsync(Bound);
    }

    public Task WaitUntilEnteredAsync() => _entered.Task.WaitAsync(Bound);

    public void Release() => _released.TrySetResult();
}
