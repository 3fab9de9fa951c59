using Mandate.Core.Approvals;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

/// <summary>
/// Recording a pending approval only when none answers for the same request yet: nodes asked for the same request at
/// the same instant record one approval. SQLite has one writer per file, PostgreSQL serializes every commit under the
/// cluster's audit lock, the in-memory store under its lock: the check and the insert are never interleaved.
/// </summary>
public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task TryInsertApproval_NonePending_InsertsWithItsRecords()
    {
        await using var store = await CreateMigratedStoreAsync();

        Assert.True(await store.TryInsertApprovalAsync(Approval("a1"), [StoreTestData.Event(1), StoreTestData.Event(2)], Cancellation));

        Assert.Equal(ApprovalStatus.Pending, (await store.GetApprovalAsync("a1", Cancellation))!.Status);
        Assert.Equal(2, (await ReadAllAsync(store)).Count);
    }

    [StoreFact]
    public async Task TryInsertApproval_PendingTwin_WritesNothing()
    {
        await using var store = await CreateMigratedStoreAsync();
        Assert.True(await store.TryInsertApprovalAsync(Approval("a1"), [StoreTestData.Event(1)], Cancellation));

        var retry = Approval("a2") with { CreatedAt = StoreTestData.Epoch.AddMinutes(1), LifetimeSeconds = 600 };
        Assert.False(await store.TryInsertApprovalAsync(retry, [StoreTestData.Event(2)], Cancellation));

        Assert.Null(await store.GetApprovalAsync("a2", Cancellation));
        Assert.Single(await ReadAllAsync(store));
    }

    public static TheoryData<string> NotTwins => ["other binding", "expired", "decided", "other agent", "other policy", "other rule", "other sender", "pending one lasts longer"];

    [StoreTheory]
    [MemberData(nameof(NotTwins))]
    public async Task TryInsertApproval_NoPendingApprovalAnswersForTheRequest_Inserts(string difference)
    {
        await using var store = await CreateMigratedStoreAsync();
        var first = Approval("a1") with { SenderBinding = "jkt:abc" };
        Assert.True(await store.TryInsertApprovalAsync(first, [], Cancellation));
        if (difference == "decided")
        {
            await store.TryTransitionApprovalAsync(new ApprovalTransition { Id = "a1", From = ApprovalStatus.Pending, To = ApprovalStatus.Denied, At = StoreTestData.Epoch, Approver = "admin:carol" }, [], Cancellation);
        }

        var second = (first with { Id = "a2" }) switch
        {
            var a when difference == "other binding" => a with { BindingHash = "cd34" },
            var a when difference == "expired" => a with { CreatedAt = first.ExpiresAt, ExpiresAt = first.ExpiresAt.AddMinutes(10) },
            var a when difference == "other agent" => a with { Agent = "spiffe://acme.example/agents/other" },
            var a when difference == "other policy" => a with { PolicyVersion = "sha256:0000" },
            var a when difference == "other rule" => a with { Rule = "other-rule" },
            var a when difference == "other sender" => a with { SenderBinding = null },
            var a when difference == "pending one lasts longer" => a with { LifetimeSeconds = 60 },
            var a => a,
        };

        Assert.True(await store.TryInsertApprovalAsync(second, [], Cancellation), difference);
        Assert.NotNull(await store.GetApprovalAsync("a2", Cancellation));
    }
}
