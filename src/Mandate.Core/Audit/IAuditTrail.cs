using Mandate.Core.Storage;

namespace Mandate.Core.Audit;

/// <summary>
/// Where the request path makes its writes durable. Returns only once the batch is committed;
/// throws <see cref="StoreUnavailableException"/> when it could not be, and then the caller fails closed.
/// </summary>
public interface IAuditTrail
{
    Task WriteAsync(StoreBatch batch, CancellationToken cancellationToken);
}
