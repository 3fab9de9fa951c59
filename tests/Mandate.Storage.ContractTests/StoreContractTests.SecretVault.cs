using System.Security.Cryptography;
using System.Text;
using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Keys;
using Mandate.Core.Secrets;
using Mandate.Core.Storage;
using Xunit;

namespace Mandate.Storage.ContractTests;

/// <summary>
/// The vault over each store: a sealed value is bound to its tool and its version, so someone who can write the store
/// cannot put a rotated-out key back under the newer row for the proxy to inject.
/// </summary>
public abstract partial class StoreContractTests
{
    [StoreFact]
    public async Task SecretVault_OlderSealedValuePutBackOverNewerRow_RefusedFailClosed_Audited()
    {
        await using var store = await CreateMigratedStoreAsync();
        using var kek = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        var vault = Vault(store, kek);
        await vault.SetAsync("stripe", NewSecret(), "admin:alice", Cancellation);
        var rotatedOut = await store.GetSecretAsync("stripe", Cancellation);
        await vault.SetAsync("stripe", NewSecret(), "admin:alice", Cancellation);

        // The older sealed value copied over the newer row; the row still says version 2.
        await store.CommitAsync(new StoreBatch(rotatedOut! with { Version = 2 }), Cancellation);
        var (value, version) = await Vault(store, kek).OpenAsync("stripe", Cancellation);

        Assert.Equal((null, -1), (value, version));
        var refused = Assert.Single(await ReadAllAsync(store), r => r.Event.Outcome == "refused");
        Assert.Equal((EgressAuditKinds.Secret, "stripe", "2"), (refused.Event.Kind, refused.Event.Tool, refused.Event.Evidence["version"]));
        Assert.Contains("an older value put back over a newer one", refused.Event.Reason, StringComparison.Ordinal);
        Assert.Equal(2, (await store.GetSecretAsync("stripe", Cancellation))!.Version);
    }

    [StoreFact]
    public async Task SecretVault_ValueMovedToAnotherVersionOfItsRow_RefusedFailClosed()
    {
        await using var store = await CreateMigratedStoreAsync();
        using var kek = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        await Vault(store, kek).SetAsync("stripe", NewSecret(), "admin:alice", Cancellation);
        var sealedAt1 = await store.GetSecretAsync("stripe", Cancellation);

        await store.CommitAsync(new StoreBatch(sealedAt1! with { Version = 7 }), Cancellation);

        Assert.Equal((null, -1), await Vault(store, kek).OpenAsync("stripe", Cancellation));
    }

    [StoreFact]
    public async Task SecretVault_RowSealedBeforeTheVersionBinding_StillOpens_NextSetBindsIt()
    {
        // Rows written by earlier releases carry the tool alone as associated data; they keep working until set again.
        await using var store = await CreateMigratedStoreAsync();
        using var kek = new KeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        var value = NewSecret();
        var sealedBlob = kek.Seal(value, "secret:stripe");
        await store.CommitAsync(new StoreBatch(new StoredSecret
        {
            Tool = "stripe", Version = 3, Nonce = sealedBlob[..12], Tag = sealedBlob[12..28], Ciphertext = sealedBlob[28..],
            CreatedAt = StoreTestData.Epoch, CreatedBy = "admin:alice",
        }), Cancellation);
        var vault = Vault(store, kek);

        Assert.Equal((Encoding.UTF8.GetString(value), 3), await vault.OpenAsync("stripe", Cancellation));
        var next = NewSecret();
        await vault.SetAsync("stripe", next, "admin:alice", Cancellation);
        Assert.Equal((Encoding.UTF8.GetString(next), 4), await Vault(store, kek).OpenAsync("stripe", Cancellation));
    }

    private static byte[] NewSecret() => Encoding.UTF8.GetBytes(Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));

    private static SecretVault Vault(IMandateStore store, KeyEncryptionKey kek)
    {
        var options = new MandateOptions
        {
            Node = "node-a",
            Tools = [new ToolOptions { Name = "stripe", Resource = "https://stripe.acme.example", Scopes = ["charges:read"], Kind = CredentialKind.Secret }],
        };
        return new SecretVault(store, new DirectCommit(store), kek, new Registry(options), options, TimeProvider.System);
    }

    private sealed class DirectCommit(IMandateStore store) : IUnitOfWork
    {
        public Task CommitAsync(StoreBatch batch, CancellationToken cancellationToken) => store.CommitAsync(batch, cancellationToken);
    }
}
