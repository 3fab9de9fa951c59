using Mandate.Core.Credentials;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

public abstract partial class StoreContractTests
{
    private static DatabaseLease Lease(string role, int issuedMinutes = 0) => new()
    {
        Role = role,
        Tool = "warehouse",
        Jti = "jti-" + role,
        Run = "run-1",
        Tenant = "acme",
        Agent = "spiffe://acme.example/agents/support",
        User = "alice",
        IssuedAt = StoreTestData.Epoch.AddMinutes(issuedMinutes),
        ExpiresAt = StoreTestData.Epoch.AddMinutes(issuedMinutes + 5),
    };

    [StoreFact]
    public async Task DatabaseLease_RoundTripsEveryField_AndListsOldestFirst()
    {
        await using var store = await CreateMigratedStoreAsync();
        var later = Lease("mandate_b", issuedMinutes: 1) with { User = null };
        var earlier = Lease("mandate_a");

        await store.CommitAsync(new StoreBatch(later, StoreTestData.Event(1)), Cancellation);
        await store.CommitAsync(new StoreBatch(earlier), Cancellation);

        var live = await store.ListDatabaseLeasesAsync(liveOnly: true, Cancellation);
        Assert.Equal([earlier, later], live);
        Assert.Equal(earlier.ExpiresAt.UtcTicks, live[0].ExpiresAt.UtcTicks);
    }

    [StoreFact]
    public async Task DatabaseLease_Dropped_LeavesLiveList_AndCannotBeRevived()
    {
        await using var store = await CreateMigratedStoreAsync();
        var lease = Lease("mandate_a");
        await store.CommitAsync(new StoreBatch(lease), Cancellation);
        var dropped = lease with { State = DatabaseLeaseState.Dropped, DroppedAt = StoreTestData.Epoch.AddMinutes(6), DropReason = "expired" };

        await store.CommitAsync(new StoreBatch(dropped), Cancellation);
        await store.CommitAsync(new StoreBatch(lease), Cancellation);

        Assert.Empty(await store.ListDatabaseLeasesAsync(liveOnly: true, Cancellation));
        Assert.Equal(dropped, Assert.Single(await store.ListDatabaseLeasesAsync(liveOnly: false, Cancellation)));
    }
}
