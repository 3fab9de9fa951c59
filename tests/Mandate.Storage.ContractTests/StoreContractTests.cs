using Mandate.Core;
using Mandate.Core.Audit;
using Xunit;

namespace Mandate.Storage.ContractTests;

/// <summary>
/// What every <see cref="IMandateStore"/> must do, whatever the database. An implementation's test
/// project derives from this class and says how to create a fresh store; xunit runs every test here
/// against it.
/// </summary>
public abstract partial class StoreContractTests : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));

    /// <summary>Bounds every test, so a hung store fails the test instead of the run.</summary>
    protected CancellationToken Cancellation => _timeout.Token;

    /// <summary>
    /// A store over new, empty storage that no other test uses. The suite migrates and disposes it;
    /// several stores from one test instance must not share storage.
    /// </summary>
    protected abstract Task<IMandateStore> CreateStoreAsync(CancellationToken cancellationToken);

    [StoreFact]
    public async Task MigrateAsync_Twice_KeepsData()
    {
        await using var store = await CreateMigratedStoreAsync();
        await store.CommitAsync(StoreTestData.Events(1, 2), Cancellation);

        await store.MigrateAsync(Cancellation);

        Assert.Equal(2, (await ReadAllAsync(store)).Count);
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timeout.Dispose();
        }
    }

    protected async Task<IMandateStore> CreateMigratedStoreAsync()
    {
        var store = await CreateStoreAsync(Cancellation);
        await store.MigrateAsync(Cancellation);
        return store;
    }

    protected async Task<List<AuditRecord>> ReadAllAsync(IMandateStore store, AuditQuery? query = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var records = new List<AuditRecord>();
        await foreach (var record in store.ReadAuditAsync(query ?? new AuditQuery(), Cancellation))
        {
            records.Add(record);
        }

        return records;
    }
}
