using Mandate.Core.Approvals;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

/// <summary>
/// The pace of an approval's polls, shared by every node: a poll is recorded only while the last one is the one it was
/// judged on (so two polls judged at once are not both accepted), and slow_down raises the interval for good.
/// </summary>
public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task TryTouchApproval_AnotherPollRecordedMeanwhile_ReturnsFalseAndKeepsThatPoll()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new StoreBatch(Approval("a1")), Cancellation);
        var first = StoreTestData.Epoch.AddSeconds(5);

        Assert.True(await store.TryTouchApprovalAsync("a1", null, first, Cancellation));
        Assert.False(await store.TryTouchApprovalAsync("a1", null, first.AddMilliseconds(1), Cancellation));
        Assert.False(await store.TryTouchApprovalAsync("a1", StoreTestData.Epoch, first.AddSeconds(1), Cancellation));

        Assert.Equal(Approval("a1") with { LastPolledAt = first }, await store.GetApprovalAsync("a1", Cancellation));
        var read = (await store.GetApprovalAsync("a1", Cancellation))!.LastPolledAt;
        Assert.True(await store.TryTouchApprovalAsync("a1", read, first.AddSeconds(5), Cancellation));
        Assert.Equal(first.AddSeconds(5), (await store.GetApprovalAsync("a1", Cancellation))!.LastPolledAt);
        Assert.Empty(await ReadAllAsync(store));
    }

    [StoreFact]
    public async Task RaisePollInterval_ReadsBackThroughEveryRead_NeverLowers_NullStaysNull()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new StoreBatch(Approval("a1") with { BindingHash = "call-1" }, Approval("a2")), Cancellation);

        await store.RaisePollIntervalAsync("a1", 10, Cancellation);
        await store.RaisePollIntervalAsync("a1", 5, Cancellation);

        Assert.Equal(10, (await store.GetApprovalAsync("a1", Cancellation))!.PollIntervalSeconds);
        Assert.Equal(10, (await store.FindApprovalByBindingAsync("call-1", Cancellation))!.PollIntervalSeconds);
        Assert.Equal(10, (await store.ListApprovalsAsync(ApprovalStatus.Pending, 10, Cancellation)).Single(a => a.Id == "a1").PollIntervalSeconds);
        Assert.Null((await store.GetApprovalAsync("a2", Cancellation))!.PollIntervalSeconds);
        await store.RaisePollIntervalAsync("a1", 15, Cancellation);
        Assert.Equal(Approval("a1") with { BindingHash = "call-1", PollIntervalSeconds = 15 }, await store.GetApprovalAsync("a1", Cancellation));
        Assert.Empty(await ReadAllAsync(store));
    }
}
