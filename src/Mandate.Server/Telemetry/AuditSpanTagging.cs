using Mandate.Core.Audit;
using Mandate.Core.Storage;

namespace Mandate.Server.Telemetry;

/// <summary>
/// The unit of work every stage commits its audit records through, with one addition: before the commit, the
/// records are described on the request's Mandate span (<see cref="MandateSpan.Describe"/>). Registered only
/// while telemetry is on.
/// </summary>
internal sealed class AuditSpanTagging : IUnitOfWork
{
    private readonly IUnitOfWork _inner;

    public AuditSpanTagging(IUnitOfWork inner) => _inner = inner;

    public Task CommitAsync(StoreBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        MandateSpan.DescribeOnRecording(batch.Changes.OfType<AuditEvent>());
        return _inner.CommitAsync(batch, cancellationToken);
    }
}
