namespace Mandate.Core.Audit;

/// <summary>Settings for <see cref="AuditWriter"/>.</summary>
public sealed record AuditWriterOptions
{
    /// <summary>
    /// Most caller batches (<see cref="Storage.StoreBatch"/>, usually one request each) combined into one
    /// store commit. Default 512. Larger groups amortise the fsync further but hold the write lock longer.
    /// </summary>
    public int MaxBatchSize { get; init; } = 512;
}
