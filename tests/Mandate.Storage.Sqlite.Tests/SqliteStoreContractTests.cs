using Mandate.Core;
using Mandate.Storage.ContractTests;

namespace Mandate.Storage.Sqlite.Tests;

/// <summary>The store contract on real SQLite files.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests
{
    private readonly TempDatabaseDirectory _directory = new();

    protected override Task<IMandateStore> CreateStoreAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IMandateStore>(new SqliteMandateStore(new SqliteStoreOptions { FilePath = _directory.NewDatabasePath() }));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _directory.Dispose();
        }

        base.Dispose(disposing);
    }
}
