using Mandate.Core;
using Mandate.Storage.ContractTests;

namespace Mandate.Storage.InMemory.Tests;

/// <summary>The store contract on the in-memory reference store.</summary>
public sealed class InMemoryStoreContractTests : StoreContractTests
{
    protected override Task<IMandateStore> CreateStoreAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IMandateStore>(new InMemoryMandateStore());
}
