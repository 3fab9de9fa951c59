namespace Mandate.Core.Evidence;

/// <summary>Evidence's reads (policy state); an <see cref="EvidenceRecord"/> in a committed batch is inserted (an existing id fails the batch).</summary>
public interface IEvidenceStore
{
    /// <summary>The latest evidence per kind for <paramref name="subject"/>.</summary>
    Task<IReadOnlyList<EvidenceRecord>> LatestEvidenceAsync(string subject, CancellationToken cancellationToken);
}
