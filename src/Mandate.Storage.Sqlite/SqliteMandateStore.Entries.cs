using Mandate.Core.Spiffe;

namespace Mandate.Storage.Sqlite;

/// <summary>SPIFFE registration entries.</summary>
public sealed partial class SqliteMandateStore
{
    public Task<IReadOnlyList<RegistrationEntry>> ListRegistrationEntriesAsync(CancellationToken cancellationToken) =>
        ReadAsync("list registration entries", c => SqliteEntryStore.ListAsync(c, cancellationToken), cancellationToken);
}
