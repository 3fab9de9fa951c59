using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Mandate.Bench.Proxy;

// Latency per call, direct to the upstream vs through the egress proxy, in interleaved rounds on one client.
// Usage: Mandate.Bench.Proxy [rounds] [calls-per-round] [concurrency] [markdown-output]
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var calls = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
var concurrency = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
var output = args.Length > 3 ? args[3] : null;

await using var setup = await BenchSetup.StartAsync();
using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10), MaxConnectionsPerServer = 1024 });
var credential = await setup.CredentialAsync(http, setup.Broker.Runtime.Options.Issuer);
var direct = new Uri(setup.UpstreamAddress, "v1/charges/ch_1");
var proxied = new Uri(setup.ProxyAddress, "stripe/v1/charges/ch_1");

async Task<double[]> MeasureAsync(Uri target, bool auth, int count)
{
    var samples = new double[count];
    var next = -1;
    async Task WorkerAsync()
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, target);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", auth ? credential : "sk_agent_would_hold_this");
            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{target} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
    }

    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => WorkerAsync()));
    return samples;
}

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

Console.Error.WriteLine($"warming up ({calls} calls each)");
await MeasureAsync(direct, false, calls);
await MeasureAsync(proxied, true, calls);

var rows = new List<(int Round, string Target, double P50, double P99, double Mean, double Rps)>();
var all = new Dictionary<string, List<double>> { ["direct"] = [], ["proxy"] = [] };
for (var round = 1; round <= rounds; round++)
{
    // Alternate which target goes first, so drift in the machine does not favour one.
    var order = round % 2 == 1 ? new[] { "direct", "proxy" } : new[] { "proxy", "direct" };
    foreach (var name in order)
    {
        var clock = Stopwatch.StartNew();
        var samples = await MeasureAsync(name == "direct" ? direct : proxied, name == "proxy", calls);
        var seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(samples);
        all[name].AddRange(samples);
        rows.Add((round, name, Percentile(samples, 0.50), Percentile(samples, 0.99), samples.Average(), calls / seconds));
        Console.Error.WriteLine($"round {round} {name,-6} p50 {Percentile(samples, 0.50):0.000} ms  p99 {Percentile(samples, 0.99):0.000} ms  {calls / seconds:0} req/s");
    }
}

var d = all["direct"].Order().ToArray();
var p = all["proxy"].Order().ToArray();
var f = CultureInfo.InvariantCulture;
var md = new System.Text.StringBuilder();
md.AppendLine(f, $"| target | p50 ms | p99 ms | mean ms |");
md.AppendLine("|---|---:|---:|---:|");
md.AppendLine(f, $"| direct to upstream | {Percentile(d, 0.5):0.000} | {Percentile(d, 0.99):0.000} | {d.Average():0.000} |");
md.AppendLine(f, $"| through the egress proxy | {Percentile(p, 0.5):0.000} | {Percentile(p, 0.99):0.000} | {p.Average():0.000} |");
md.AppendLine(f, $"| **added by the proxy** | **{Percentile(p, 0.5) - Percentile(d, 0.5):0.000}** | **{Percentile(p, 0.99) - Percentile(d, 0.99):0.000}** | **{p.Average() - d.Average():0.000}** |");
md.AppendLine(f, $"| ratio proxy/direct | {Percentile(p, 0.5) / Percentile(d, 0.5):0.00}x | {Percentile(p, 0.99) / Percentile(d, 0.99):0.00}x | {p.Average() / d.Average():0.00}x |");
md.AppendLine();
md.AppendLine("Per round (interleaved, alternating which target goes first):");
md.AppendLine();
md.AppendLine("| round | target | p50 ms | p99 ms | mean ms | req/s |");
md.AppendLine("|---:|---|---:|---:|---:|---:|");
foreach (var r in rows)
{
    md.AppendLine(f, $"| {r.Round} | {r.Target} | {r.P50:0.000} | {r.P99:0.000} | {r.Mean:0.000} | {r.Rps:0} |");
}

Console.WriteLine(md.ToString());
if (output is not null)
{
    await File.WriteAllTextAsync(output, md.ToString());
}
