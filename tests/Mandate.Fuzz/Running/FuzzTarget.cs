using System.Diagnostics;

namespace Mandate.Fuzz.Running;

/// <summary>One parser under fuzz: makes an input from a case seed, runs it, and applies the oracle.</summary>
internal abstract class FuzzTarget
{
    /// <summary>Short stable name, used in reports and to pick targets on the command line.</summary>
    public abstract string Name { get; }

    /// <summary>What is fuzzed, for the summary.</summary>
    public abstract string Covers { get; }

    /// <summary>Longest time one input may take before it counts as a finding (the parser must be bounded); generous because CI machines are shared.</summary>
    public virtual TimeSpan SlowInput => TimeSpan.FromSeconds(5);

    /// <summary>Runs one case; every outcome is counted into <paramref name="report"/>.</summary>
    public abstract ValueTask RunCaseAsync(int caseSeed, FuzzTargetReport report);
}

/// <summary>A target whose inputs are values of <typeparamref name="TInput"/>.</summary>
internal abstract class FuzzTarget<TInput> : FuzzTarget
{
    public sealed override async ValueTask RunCaseAsync(int caseSeed, FuzzTargetReport report)
    {
        TInput input;
        try
        {
            input = Generate(new Random(caseSeed));
        }
#pragma warning disable CA1031 // A generator bug is reported like any finding instead of ending the run.
        catch (Exception e)
#pragma warning restore CA1031
        {
            report.Count(FuzzOutcome.Violation, new FuzzFinding(Name, "generator bug", caseSeed, "(not generated)", e.ToString()));
            return;
        }

        var watch = Stopwatch.StartNew();
        Verdict verdict;
        try
        {
            verdict = await CheckAsync(input);
        }
#pragma warning disable CA1031 // The oracle: any exception the parser's contract does not name is a finding, whatever its type.
        catch (Exception e)
#pragma warning restore CA1031
        {
            report.CountUnhandled(new FuzzFinding(Name, "unhandled " + e.GetType().Name, caseSeed, Describe(input), e.ToString()));
            return;
        }
        finally
        {
            watch.Stop();
            report.CountInput(watch.Elapsed);
        }

        if (watch.Elapsed > SlowInput)
        {
            report.CountSlow(new FuzzFinding(Name, "slow", caseSeed, Describe(input), $"{watch.Elapsed.TotalMilliseconds:F0} ms"));
        }

        if (verdict.Outcome is FuzzOutcome.Accepted or FuzzOutcome.Refused)
        {
            report.Count(verdict.Outcome);
            return;
        }

        var kind = verdict.Outcome switch
        {
            FuzzOutcome.ServerError => "5xx",
            FuzzOutcome.StateChange => "state change",
            _ => "oracle",
        };
        report.Count(verdict.Outcome, new FuzzFinding(Name, kind, caseSeed, Describe(input), verdict.Detail ?? ""));
    }

    protected abstract TInput Generate(Random random);

    /// <summary>Runs the parser and judges the outcome. Throws only when the parser does (a finding).</summary>
    protected abstract ValueTask<Verdict> CheckAsync(TInput input);

    protected virtual string Describe(TInput input) => FuzzFinding.Excerpt(input?.ToString() ?? "null");
}
