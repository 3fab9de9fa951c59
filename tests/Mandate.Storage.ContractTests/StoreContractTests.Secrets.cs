using Mandate.Core.Secrets;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

public abstract partial class StoreContractTests
{
    private static StoredSecret Secret(string tool, int version = 1, byte fill = 7) => new()
    {
        Tool = tool,
        Version = version,
        Nonce = Enumerable.Repeat(fill, 12).ToArray(),
        Tag = Enumerable.Repeat((byte)(fill + 1), 16).ToArray(),
        Ciphertext = [fill, 2, 3, 4, 5],
        CreatedAt = StoreTestData.Epoch.AddMinutes(version),
        CreatedBy = "admin:alice",
    };

    [StoreFact]
    public async Task CommitAsync_Secret_RoundTripsEveryField()
    {
        await using var store = await CreateMigratedStoreAsync();
        var written = Secret("stripe");

        await store.CommitAsync(StoreTestData.Events(1, 1).Append(written), Cancellation);

        var read = await store.GetSecretAsync("stripe", Cancellation);
        Assert.NotNull(read);
        Assert.Equal((written.Tool, written.Version, written.CreatedBy, written.CreatedAt.UtcTicks), (read.Tool, read.Version, read.CreatedBy, read.CreatedAt.UtcTicks));
        Assert.Equal(written.Nonce, read.Nonce);
        Assert.Equal(written.Tag, read.Tag);
        Assert.Equal(written.Ciphertext, read.Ciphertext);
        Assert.Single(await ReadAllAsync(store));
    }

    [StoreFact]
    public async Task CommitAsync_SecretForSameToolAgain_ReplacesIt()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new StoreBatch(Secret("stripe", 1, 1)), Cancellation);

        await store.CommitAsync(new StoreBatch(Secret("stripe", 2, 9)), Cancellation);

        var read = await store.GetSecretAsync("stripe", Cancellation);
        Assert.Equal(2, read!.Version);
        Assert.Equal(9, read.Ciphertext[0]);
        Assert.Equal(2, Assert.Single(await store.ListSecretsAsync(Cancellation)).Version);
    }

    [StoreFact]
    public async Task ListSecretsAsync_SeveralTools_ReturnsMetadataByToolName()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new StoreBatch(Secret("zendesk"), Secret("stripe", 3)), Cancellation);

        var list = await store.ListSecretsAsync(Cancellation);

        Assert.Equal(["stripe", "zendesk"], list.Select(s => s.Tool));
        Assert.Equal(new SecretMetadata("stripe", 3, StoreTestData.Epoch.AddMinutes(3), "admin:alice"), list[0]);
    }

    [StoreFact]
    public async Task CommitAsync_DeletedSecret_IsGone()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(new StoreBatch(Secret("stripe"), Secret("zendesk")), Cancellation);

        await store.CommitAsync(new StoreBatch(new SecretDeletion("stripe")), Cancellation);

        Assert.Null(await store.GetSecretAsync("stripe", Cancellation));
        Assert.Equal("zendesk", Assert.Single(await store.ListSecretsAsync(Cancellation)).Tool);
    }

    [StoreFact]
    public async Task CommitAsync_SecretBatchFailsPartway_WritesNoSecretAndNoAudit()
    {
        await using var store = await CreateMigratedStoreAsync();
        var broken = StoreTestData.Key("k-broken") with { PublicJwk = null! };

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CommitAsync(
            StoreTestData.Events(1, 1).Append(Secret("stripe"), broken), Cancellation));

        Assert.Null(await store.GetSecretAsync("stripe", Cancellation));
        Assert.Empty(await ReadAllAsync(store));
    }

    [StoreFact]
    public void Combine_SecretsAndDeletions_AreCarried()
    {
        var combined = StoreBatch.Combine([new StoreBatch(Secret("a")), new StoreBatch(new SecretDeletion("b"))]);

        Assert.Equal("a", Assert.Single(combined.Of<StoredSecret>()).Tool);
        Assert.Equal("b", Assert.Single(combined.Of<SecretDeletion>()).Tool);
    }
}
