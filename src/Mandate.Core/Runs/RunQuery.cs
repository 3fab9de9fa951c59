namespace Mandate.Core.Runs;

/// <summary>Filters for listing runs; null means "any". Newest first.</summary>
public sealed record RunQuery
{
    public string? Agent { get; init; }
    public string? Tenant { get; init; }
    public string? User { get; init; }

    /// <summary>The run with this id and every run below it.</summary>
    public string? SubtreeOf { get; init; }

    /// <summary>Only runs not ended (they may still have expired).</summary>
    public bool OpenOnly { get; init; }

    /// <summary>At most this many runs; 0 means no limit.</summary>
    public int Limit { get; init; }
}
