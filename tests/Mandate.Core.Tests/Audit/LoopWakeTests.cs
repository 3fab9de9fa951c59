using Mandate.Core.Audit;

namespace Mandate.Core.Tests.Audit;

public sealed class LoopWakeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public void ACompletedTask_ReturnsItsResult_WithoutWaiting()
    {
        using var wake = new LoopWake();

        Assert.True(wake.Block(ValueTask.FromResult(true)));
        Assert.False(wake.Block(new ValueTask<bool>(Task.FromResult(false))));
    }

    [Fact]
    public async Task APendingTask_BlocksUntilItCompletes_AndAgainForTheNext()
    {
        using var wake = new LoopWake();
        for (var round = 0; round < 3; round++)
        {
            var pending = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var blocked = Task.Factory.StartNew(() => wake.Block(new ValueTask<bool>(pending.Task)), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            Assert.False(blocked.IsCompleted);
            pending.SetResult(round % 2 == 0);

            Assert.Equal(round % 2 == 0, await blocked.WaitAsync(Bound));
        }
    }

    [Fact]
    public async Task AFaultedTask_RethrowsItsOwnException_AsAwaitWould()
    {
        using var wake = new LoopWake();
        var pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocked = Task.Factory.StartNew(() => wake.Block(pending.Task), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        pending.SetException(new InvalidOperationException("store down"));

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => blocked.WaitAsync(Bound));
        Assert.Equal("store down", thrown.Message);
    }
}
