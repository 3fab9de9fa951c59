namespace Mandate.Core.Audit;

/// <summary>Settings for <see cref="AuditWriter"/>.</summary>
public sealed record AuditWriterOptions
{
    /// <summary>
    /// Most caller batches (<see cref="Storage.StoreBatch"/>, usually one request each) combined into one
    /// store commit. Default 512. Larger groups amortise the fsync further but hold the write lock longer.
    /// </summary>
    public int MaxBatchSize { get; init; } = 512;

    /// <summary>
    /// How long a group commit waits for more writes while at least <see cref="CommitSiblings"/> exchanges are on their
    /// way to the writer (<see cref="AuditWriter.Expect"/>), as PostgreSQL's <c>commit_delay</c> does. Under load the
    /// loop otherwise commits every fsync's worth of arrivals (two or three records), paying the per-commit work
    /// thousands of times a second. Default 1 ms; zero never waits.
    /// </summary>
    public TimeSpan CommitDelay { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Exchanges in progress, not yet at the writer, that make <see cref="CommitDelay"/> worth waiting. Default 4.</summary>
    public int CommitSiblings { get; init; } = 4;
}
