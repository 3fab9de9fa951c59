using System.Diagnostics;
using System.Globalization;
using Mandate.Fuzz.Running;

// bench/fuzz: runs every fuzz target for its share of --inputs (default 1,000,000) from one run seed and
// writes the summary. Exit code 1 when any oracle failed, 2 on a usage error.
const string Usage = """
    usage: Mandate.Bench.Fuzz [--inputs N] [--seed S] [--targets form,jwt,...] [--parallel N] [--out FILE]
           Mandate.Bench.Fuzz --targets http --case S     (replays one case seed from a finding)

      --inputs N     inputs over all targets, shared by weight (default 1000000)
      --seed S       the run seed; the same seed gives the same inputs (default: random, printed)
      --targets T    comma-separated target names (default: all; an unknown name is an error)
      --parallel N   inputs run at once (default: the core count)
      --out FILE     where the summary is written (default: fuzz.md)
      --case S       run the one case with seed S in each chosen target and print what it found
    """;
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(Usage);
    return 0;
}

if (args.Length % 2 != 0)
{
    Console.Error.WriteLine($"every option takes a value; '{args[^1]}' has none\n{Usage}");
    return 2;
}

var inputs = 1_000_000L;
var seed = Random.Shared.Next();
string? only = null;
int? replay = null;
var parallel = Environment.ProcessorCount;
var output = "fuzz.md";
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--inputs":
            inputs = long.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--seed":
            seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--targets":
            only = args[i + 1];
            break;
        case "--case":
            replay = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--parallel":
            parallel = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            break;
        case "--out":
            output = args[i + 1];
            break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}\n{Usage}");
            return 2;
    }
}

await using var suite = await FuzzSuite.StartAsync();
var chosen = suite.Targets.Where(t => only is null || only.Split(',').Contains(t.Target.Name)).ToList();
if (only?.Split(',').Except(suite.Targets.Select(t => t.Target.Name)).FirstOrDefault() is { } unknown)
{
    Console.Error.WriteLine($"unknown target '{unknown}'; the targets are {string.Join(", ", suite.Targets.Select(t => t.Target.Name))}");
    return 2;
}

if (replay is { } caseSeed)
{
    foreach (var (target, _) in chosen)
    {
        var single = new FuzzTargetReport(target.Name, target.Covers);
        await target.RunCaseAsync(caseSeed, single);
        Console.WriteLine($"{target.Name}: {(single.Clean ? "clean" : "FINDING")}");
        foreach (var finding in single.Findings)
        {
            Console.WriteLine(finding);
        }
    }

    return 0;
}

var weights = chosen.Sum(t => t.Weight);
var reports = new List<FuzzTargetReport>();
var watch = Stopwatch.StartNew();
Console.WriteLine($"fuzz: run seed {seed}, {inputs:N0} inputs over {chosen.Count} targets");
// Targets run side by side (each one sequentially, from its own case seeds), so the result does not depend on the parallelism.
using var slots = new SemaphoreSlim(parallel);
var running = chosen.Select(async t =>
{
    await slots.WaitAsync();
    try
    {
        return await Task.Run(() => FuzzRunner.RunAsync(t.Target, seed, inputs * t.Weight / weights));
    }
    finally
    {
        slots.Release();
    }
}).ToList();
reports.AddRange(await Task.WhenAll(running));
foreach (var report in reports)
{
    Console.WriteLine(FormattableString.Invariant(
        $"{report.Target,-22} {report.Inputs,9:N0} inputs  accepted {report.Accepted,8:N0}  unhandled {report.Unhandled}  slow {report.Slow}  oracle {report.Violations}  5xx {report.ServerErrors}  state {report.StateChanges}  {report.Duration.TotalSeconds:F0} s"));
    foreach (var finding in report.Findings)
    {
        Console.WriteLine(finding);
    }
}

var machine = FormattableString.Invariant($"{Environment.ProcessorCount} CPUs, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
var markdown = FuzzSummary.Markdown(reports, seed, watch.Elapsed, machine);
await File.WriteAllTextAsync(output, markdown);
Console.WriteLine($"summary written to {output}");
return reports.All(r => r.Clean) ? 0 : 1;
