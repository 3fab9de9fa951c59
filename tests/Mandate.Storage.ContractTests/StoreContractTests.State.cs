using Mandate.Core.Revocation;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

public abstract partial class StoreContractTests
{
    [StoreTheory]
    [InlineData(RevocationTarget.Token)]
    [InlineData(RevocationTarget.Agent)]
    [InlineData(RevocationTarget.Tenant)]
    [InlineData(RevocationTarget.User)]
    [InlineData(RevocationTarget.Run)]
    public async Task CommitAsync_Revocation_RoundTripsEveryField(RevocationTarget target)
    {
        await using var store = await CreateMigratedStoreAsync();
        var written = StoreTestData.Revocation("rev-1", target, "spiffe://acme.example/agents/x");

        await store.CommitAsync(new StoreBatch(written), Cancellation);

        var read = Assert.Single(await store.ListRevocationsAsync(StoreTestData.Epoch, Cancellation));
        Assert.Equal(written, read);
        Assert.Equal(written.RevokedAt.UtcTicks, read.RevokedAt.UtcTicks);
    }

    [StoreFact]
    public async Task ListRevocationsAsync_KeepUntilReached_LeavesItOut()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(
            new StoreBatch(StoreTestData.Revocation("short", keepHours: 1), StoreTestData.Revocation("long", keepHours: 2) with { Reason = null }),
            Cancellation);

        var beforeShortEnds = await store.ListRevocationsAsync(StoreTestData.Epoch.AddHours(1).AddTicks(-1), Cancellation);
        var atShortEnd = await store.ListRevocationsAsync(StoreTestData.Epoch.AddHours(1), Cancellation);
        var afterAll = await store.ListRevocationsAsync(StoreTestData.Epoch.AddHours(2), Cancellation);

        Assert.Equal(["long", "short"], beforeShortEnds.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Null(Assert.Single(atShortEnd).Reason);
        Assert.Empty(afterAll);
    }

    [StoreFact]
    public async Task CommitAsync_SameRevocationIdTwice_KeepsFirst()
    {
        await using var store = await CreateMigratedStoreAsync();
        var first = StoreTestData.Revocation("rev-1");

        await store.CommitAsync(new StoreBatch(first), Cancellation);
        await store.CommitAsync(new StoreBatch(first with { Reason = "retried" }), Cancellation);

        Assert.Equal("incident 42", Assert.Single(await store.ListRevocationsAsync(StoreTestData.Epoch, Cancellation)).Reason);
    }

    [StoreFact]
    public async Task ListKeysAsync_SeveralPurposes_ReturnsThatPurposeOldestFirst()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(
            new StoreBatch(StoreTestData.Key("newest", createdMinutes: 20), StoreTestData.Key("other", purpose: "ca-signing", createdMinutes: 5), StoreTestData.Key("oldest", createdMinutes: 0), StoreTestData.Key("middle", createdMinutes: 10)),
            Cancellation);

        var keys = await store.ListKeysAsync("token-signing", Cancellation);

        Assert.Equal(["oldest", "middle", "newest"], keys.Select(k => k.Kid));
        Assert.Empty(await store.ListKeysAsync("unknown", Cancellation));
    }

    [StoreFact]
    public async Task CommitAsync_Key_RoundTripsEveryField()
    {
        await using var store = await CreateMigratedStoreAsync();
        var written = StoreTestData.Key("k1");

        await store.CommitAsync(new StoreBatch(written), Cancellation);

        var read = Assert.Single(await store.ListKeysAsync("token-signing", Cancellation));
        Assert.Equal(written.SealedPrivateKey, read.SealedPrivateKey);
        Assert.Equal(written with { SealedPrivateKey = read.SealedPrivateKey }, read);
        Assert.Null(read.RetiredAt);
        Assert.Null(read.PublishUntil);
    }

    [StoreFact]
    public async Task CommitAsync_KeyWithExistingKid_ReplacesIt()
    {
        await using var store = await CreateMigratedStoreAsync();
        var key = StoreTestData.Key("k1");
        await store.CommitAsync(new StoreBatch(key), Cancellation);

        var retired = key with { RetiredAt = StoreTestData.Epoch.AddDays(1), PublishUntil = StoreTestData.Epoch.AddDays(1).AddMinutes(15) };
        await store.CommitAsync(new StoreBatch(retired), Cancellation);

        var read = Assert.Single(await store.ListKeysAsync("token-signing", Cancellation));
        Assert.Equal(retired.RetiredAt, read.RetiredAt);
        Assert.Equal(retired.PublishUntil, read.PublishUntil);
    }
}
