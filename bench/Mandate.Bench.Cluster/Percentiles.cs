namespace Mandate.Bench.Cluster;

/// <summary>Nearest-rank percentiles over a sample.</summary>
internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> sorted, double percentile)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        // Nearest rank: the smallest value with at least p% of the sample at or below it.
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
