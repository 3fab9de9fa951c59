using System.Globalization;
using System.Text;

namespace Mandate.Fuzz.Running;

/// <summary>The markdown summary bench/fuzz writes to bench/results/fuzz.md.</summary>
internal static class FuzzSummary
{
    public static string Markdown(IReadOnlyList<FuzzTargetReport> reports, int seed, TimeSpan duration, string machine)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("# Fuzz summary");
        text.AppendLine();
        text.AppendLine(c, $"Run seed **{seed}**, {reports.Sum(r => r.Inputs):N0} inputs in {duration.TotalSeconds:F0} s (targets side by side, each one sequential) on {machine}.");
        text.AppendLine(c, $"Reproduce: `bash bench/fuzz/run.sh --seed {seed}` (same seed, same inputs). Each target derives its case seeds from the run seed.");
        text.AppendLine();
        text.AppendLine("Oracles: *unhandled* = an exception outside the parser's documented contract; *slow* = one input over the target's time bound");
        text.AppendLine("(5 s, 10 s over HTTP, on a shared machine); *oracle* = a contract broken without an exception; *5xx* = an HTTP answer of 500 or more;");
        text.AppendLine("*state changes* = a refused (non-2xx) request after which the store held more rows (issuance, runs, revocations,");
        text.AppendLine("approvals, evidence, rate counters, keys) than before. *Accepted* shows how many inputs got past every check.");
        text.AppendLine();
        text.AppendLine("| target | covers | inputs | accepted | unhandled | slow | oracle | 5xx | state changes | slowest input | duration |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in reports)
        {
            text.AppendLine(c, $"| {r.Target} | {r.Covers} | {r.Inputs:N0} | {r.Accepted:N0} | {r.Unhandled} | {r.Slow} | {r.Violations} | {r.ServerErrors} | {r.StateChanges} | {r.Slowest.TotalMilliseconds:F0} ms | {r.Duration.TotalSeconds:F0} s |");
        }

        text.AppendLine(c, $"| **total** | | **{reports.Sum(r => r.Inputs):N0}** | {reports.Sum(r => r.Accepted):N0} | **{reports.Sum(r => r.Unhandled)}** | **{reports.Sum(r => r.Slow)}** | **{reports.Sum(r => r.Violations)}** | **{reports.Sum(r => r.ServerErrors)}** | **{reports.Sum(r => r.StateChanges)}** | | {duration.TotalSeconds:F0} s |");
        var findings = reports.SelectMany(r => r.Findings).ToList();
        text.AppendLine();
        if (findings.Count == 0)
        {
            text.AppendLine("No findings.");
        }
        else
        {
            text.AppendLine("## Findings (first of each target)");
            text.AppendLine();
            text.AppendLine("```");
            foreach (var finding in findings)
            {
                text.AppendLine(Trim(finding.ToString()));
            }

            text.AppendLine("```");
        }

        return text.ToString();
    }

    private static string Trim(string text) => text.Length > 3000 ? text[..3000] + " …" : text;
}
