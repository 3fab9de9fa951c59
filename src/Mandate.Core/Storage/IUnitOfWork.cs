namespace Mandate.Core.Storage;

/// <summary>
/// Where a request makes its writes durable: one <see cref="StoreBatch"/> per request, committed in one
/// transaction with its audit records. Returns only once the batch is committed; throws
/// <see cref="StoreUnavailableException"/> when it could not be, and then nothing of it was written and the
/// caller fails closed.
/// </summary>
public interface IUnitOfWork
{
    /// <summary>Makes <paramref name="batch"/> durable, all of it or none of it.</summary>
    Task CommitAsync(StoreBatch batch, CancellationToken cancellationToken);
}
