using Mandate.Core.Spiffe;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

public abstract partial class StoreContractTests
{
    private static RegistrationEntry Entry(string id, int createdMinutes, TimeSpan? x509Ttl = null) => new()
    {
        Id = id,
        SpiffeId = "spiffe://acme.example/agents/" + id,
        Selectors = ["unix:uid:1000", "unix:path:/usr/bin/agent"],
        X509Ttl = x509Ttl,
        JwtTtl = x509Ttl is null ? null : TimeSpan.FromMinutes(2),
        CreatedAt = StoreTestData.Epoch.AddMinutes(createdMinutes),
        CreatedBy = "admin:test",
    };

    [StoreFact]
    public async Task CommitAsync_RegistrationEntry_RoundTripsEveryField()
    {
        await using var store = await CreateMigratedStoreAsync();
        var written = Entry("a", 0, TimeSpan.FromMinutes(30));

        await store.CommitAsync(new StoreBatch(written, StoreTestData.Event(1)), Cancellation);

        var read = Assert.Single(await store.ListRegistrationEntriesAsync(Cancellation));
        Assert.Equal(written.Id, read.Id);
        Assert.Equal(written.SpiffeId, read.SpiffeId);
        Assert.Equal(written.Selectors, read.Selectors);
        Assert.Equal(written.X509Ttl, read.X509Ttl);
        Assert.Equal(written.JwtTtl, read.JwtTtl);
        Assert.Equal(written.CreatedAt, read.CreatedAt);
        Assert.Equal(written.CreatedBy, read.CreatedBy);
    }

    [StoreFact]
    public async Task ListRegistrationEntriesAsync_OldestFirst_NullTtlsStayNull()
    {
        await using var store = await CreateMigratedStoreAsync();

        await store.CommitAsync(new StoreBatch(Entry("late", 5), Entry("early", 1)), Cancellation);

        var read = await store.ListRegistrationEntriesAsync(Cancellation);
        Assert.Equal(["early", "late"], read.Select(e => e.Id));
        Assert.All(read, e => Assert.Null(e.X509Ttl));
    }

    [StoreFact]
    public async Task CommitAsync_DeletedRegistrationEntry_IsGoneAndUnknownIdsAreIgnored()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new StoreBatch(Entry("a", 0), Entry("b", 1)), Cancellation);

        await store.CommitAsync(new StoreBatch(new RegistrationEntryDeletion("a"), new RegistrationEntryDeletion("missing"), StoreTestData.Event(1)), Cancellation);

        Assert.Equal(["b"], (await store.ListRegistrationEntriesAsync(Cancellation)).Select(e => e.Id));
        Assert.Single(await ReadAllAsync(store));
    }

    [StoreFact]
    public async Task CommitAsync_DuplicateEntryId_WritesNothingOfTheBatch()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new StoreBatch(Entry("a", 0)), Cancellation);

        await Assert.ThrowsAnyAsync<Exception>(() => store.CommitAsync(new StoreBatch(Entry("a", 3), StoreTestData.Event(1)), Cancellation));

        Assert.Equal(StoreTestData.Epoch, Assert.Single(await store.ListRegistrationEntriesAsync(Cancellation)).CreatedAt);
        Assert.Empty(await ReadAllAsync(store));
    }

    [StoreFact]
    public void Combine_CarriesRegistrationEntryChanges()
    {
        var combined = StoreBatch.Combine([new StoreBatch(Entry("a", 0)), new StoreBatch(new RegistrationEntryDeletion("b"))]);

        Assert.Single(combined.Of<RegistrationEntry>());
        Assert.Equal(["b"], combined.Of<RegistrationEntryDeletion>().Select(d => d.Id));
    }
}
