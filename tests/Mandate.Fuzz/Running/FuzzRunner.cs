using System.Diagnostics;

namespace Mandate.Fuzz.Running;

/// <summary>Runs targets for a number of cases each; case seeds derive from one run seed, so a run reproduces.</summary>
internal static class FuzzRunner
{
    public static async Task<FuzzTargetReport> RunAsync(FuzzTarget target, int runSeed, long cases, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var report = new FuzzTargetReport(target.Name, target.Covers);
        var seeds = new Random(unchecked((runSeed * 31) + StableHash(target.Name)));
        var watch = Stopwatch.StartNew();
        for (long i = 0; i < cases && !cancellationToken.IsCancellationRequested; i++)
        {
            await target.RunCaseAsync(seeds.Next(), report);
        }

        report.Finish(watch.Elapsed);
        return report;
    }

    /// <summary>A string hash that is the same in every process (string.GetHashCode is randomised).</summary>
    public static int StableHash(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hash = 17;
        foreach (var c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }
}
