using System.Globalization;
using Mandate.Bench.Cluster;

// bench/cluster/run.sh drives this; it prints "key value" lines the script turns into the results table.
ProbeOptions options;
try
{
    options = ProbeOptions.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync($"usage: --exchange URL --revoke URL --introspect URL --body FILE --tool-token FILE [--count N] [--warmup N] [--timeout-ms MS] [--raw FILE]\n{e.Message}");
    return 2;
}

using var calls = new BrokerCalls(options);
var probe = new RevocationProbe(options, calls);
var samples = new List<PropagationSample>(options.Count);
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

var warmInactive = 0;
try
{
    for (var i = 0; i < options.Warmup; i++)
    {
        await probe.RunOnceAsync(-1, cts.Token);
    }

    warmInactive = probe.InactiveBeforeRevocation;
    for (var i = 0; i < options.Count; i++)
    {
        samples.Add(await probe.RunOnceAsync(i, cts.Token));
    }
}
catch (HttpRequestException e)
{
    // A refused or failed call is not a propagation sample: say which and stop.
    await Console.Error.WriteLineAsync($"after {samples.Count} samples: {e.Message}");
    return 3;
}

if (options.RawFile is { } raw)
{
    await File.WriteAllLinesAsync(raw, samples.Select(s => string.Join('\t',
        s.Index, F(s.RevokeMs), F(s.LowerMs), F(s.UpperMs), s.Polls, s.Propagated ? "1" : "0")));
}

var propagated = samples.Where(s => s.Propagated).ToList();
var upper = propagated.Select(s => s.UpperMs).Order().ToList();
var lower = propagated.Select(s => s.LowerMs).Order().ToList();
var revoke = samples.Select(s => s.RevokeMs).Order().ToList();
Console.WriteLine($"samples {samples.Count}");
Console.WriteLine($"propagated {propagated.Count}");
Console.WriteLine($"not_propagated {samples.Count - propagated.Count}");
Console.WriteLine($"inactive_before_revocation {probe.InactiveBeforeRevocation - warmInactive}");
Console.WriteLine($"first_poll_inactive {propagated.Count(s => s.Polls == 1)}");
Console.WriteLine($"polls_max {(samples.Count > 0 ? samples.Max(s => s.Polls) : 0)}");
foreach (var (name, sorted) in new[] { ("upper", upper), ("lower", lower), ("revoke", revoke) })
{
    Console.WriteLine($"{name}_p50 {F(Percentiles.Of(sorted, 50))}");
    Console.WriteLine($"{name}_p99 {F(Percentiles.Of(sorted, 99))}");
    Console.WriteLine($"{name}_max {F(sorted.Count > 0 ? sorted[^1] : double.NaN)}");
}

return propagated.Count == samples.Count && probe.InactiveBeforeRevocation == 0 ? 0 : 1;

static string F(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
