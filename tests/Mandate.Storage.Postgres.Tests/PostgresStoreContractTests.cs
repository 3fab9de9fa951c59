using Mandate.Core;
using Mandate.Storage.ContractTests;
using Xunit;

namespace Mandate.Storage.Postgres.Tests;

/// <summary>The store contract on a real PostgreSQL server, each store in a fresh schema of its own.</summary>
[RequiresTestPostgres]
public sealed class PostgresStoreContractTests : StoreContractTests, IAsyncLifetime
{
    private readonly TestNodes _nodes = new();

    protected override Task<IMandateStore> CreateStoreAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IMandateStore>(_nodes.NewStore(TestSchema.Create()));

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => _nodes.DisposeAsync().AsTask();
}
