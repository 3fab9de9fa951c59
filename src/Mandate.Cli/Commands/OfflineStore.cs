using Mandate.Core;
using Mandate.Core.Configuration;
using Mandate.Core.Storage;
using Mandate.Storage.Sqlite;

namespace Mandate.Cli.Commands;

/// <summary>
/// The store as offline commands see it (<c>audit verify|query|trace</c>, <c>runs list|show</c>): opened read-only,
/// its schema checked, never migrated, never written, never locked against the broker.
/// </summary>
internal static class OfflineStore
{
    /// <summary>
    /// Opens the configured store read-only and runs <paramref name="read"/>. Read commands never migrate and
    /// never take the write lock, so they work beside a running broker; a missing, locked or unreadable store,
    /// or a schema this build does not read, is one line and exit code 2.
    /// </summary>
    internal static async Task<int> ReadAsync(MandateOptions? options, Func<IMandateStore, Task<int>> read, CancellationToken ct)
    {
        if (options is null)
        {
            return 2;
        }

        try
        {
            await using var store = await OpenAsync(options, ct);
            return store is null ? 2 : await read(store);
        }
        catch (Exception e) when (e is StoreUnavailableException or StoreSchemaException)
        {
            // An outage and a schema this build does not read are the two ways a read can fail: one line each.
            Output.Error(e.Message);
            return 2;
        }
    }

    /// <summary>The configured store, read-only, after checking its schema is the one this build reads; null (reported) when there is none.</summary>
    private static async Task<IMandateStore?> OpenAsync(MandateOptions options, CancellationToken ct)
    {
        if (!File.Exists(options.StorePath))
        {
            Output.Error($"no store at {options.StorePath}; has the broker run with this configuration?");
            return null;
        }

        var store = new SqliteMandateStore(new SqliteStoreOptions { FilePath = options.StorePath, ReadOnly = true });
        try
        {
            await store.CheckSchemaAsync(ct);
            return store;
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }
}
