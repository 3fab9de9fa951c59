namespace Mandate.Core.Storage;

/// <summary>
/// What every store is underneath its aggregates' reads: a named, migratable database that commits each
/// <see cref="StoreBatch"/> in one transaction (<see cref="IUnitOfWork.CommitAsync"/>). Audit events are
/// chained to the current tail inside that transaction, so concurrent writers (several nodes) still produce one
/// unbroken chain. A change of a type the store does not know is a bug: the commit throws
/// <see cref="ArgumentException"/> and writes nothing. Knows no domain type.
/// </summary>
public interface IStorageKernel : IUnitOfWork, IAsyncDisposable
{
    /// <summary>A short name for logs and errors, e.g. <c>sqlite:/var/lib/mandate/mandate.db</c>.</summary>
    string Description { get; }

    /// <summary>Creates the schema or applies pending migrations, in order, each once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);
}
