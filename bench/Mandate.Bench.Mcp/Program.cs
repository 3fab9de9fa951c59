using System.Diagnostics;
using System.Globalization;
using Mandate.Bench.Mcp;
using Mandate.Core.Audit;

// Latency per tools/call, direct to an MCP server vs through Mandate's MCP gateway, in interleaved rounds on one client.
// Usage: Mandate.Bench.Mcp [rounds] [calls-per-round] [concurrency] [markdown-output]
var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var calls = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
var concurrency = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1;
var output = args.Length > 3 ? args[3] : null;

await using var setup = await BenchSetup.StartAsync();
using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10), MaxConnectionsPerServer = 1024 });
var credential = await setup.CredentialAsync(http);
var gatewayCalls = 0;
var answerTypes = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);

async Task<double[]> MeasureAsync(string target, int count)
{
    var (endpoint, bearer) = target == "direct" ? (setup.UpstreamEndpoint, (string?)null) : (setup.Gateway, credential);
    var samples = new double[count];
    var next = -1;
    async Task WorkerAsync()
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            using var request = McpCall.Request(endpoint, bearer);
            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            var text = await response.Content.ReadAsStringAsync();
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            McpCall.EnsureResult(endpoint, (int)response.StatusCode, mediaType, text);
            answerTypes.TryAdd(target, mediaType ?? "none");
        }
    }

    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => WorkerAsync()));
    if (target == "gateway")
    {
        gatewayCalls += count;
    }

    return samples;
}

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

Console.Error.WriteLine($"warming up ({calls} calls each)");
await MeasureAsync("direct", calls);
await MeasureAsync("gateway", calls);

var rows = new List<(int Round, string Target, double P50, double P99, double Mean, double Rps)>();
var all = new Dictionary<string, List<double>> { ["direct"] = [], ["gateway"] = [] };
for (var round = 1; round <= rounds; round++)
{
    // Alternate which target goes first, so drift in the machine does not favour one.
    var order = round % 2 == 1 ? new[] { "direct", "gateway" } : new[] { "gateway", "direct" };
    foreach (var name in order)
    {
        var clock = Stopwatch.StartNew();
        var samples = await MeasureAsync(name, calls);
        var seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(samples);
        all[name].AddRange(samples);
        rows.Add((round, name, Percentile(samples, 0.50), Percentile(samples, 0.99), samples.Average(), calls / seconds));
        Console.Error.WriteLine($"round {round} {name,-7} p50 {Percentile(samples, 0.50):0.000} ms  p99 {Percentile(samples, 0.99):0.000} ms  {calls / seconds:0} req/s");
    }
}

// Every gateway call (warm-up included) must have left exactly one durable mcp_call record, allowed.
var records = new Dictionary<string, int>(StringComparer.Ordinal);
await foreach (var r in setup.Broker.Runtime.Store.ReadAuditAsync(new AuditQuery { Kind = EgressAuditKinds.McpCall }, CancellationToken.None))
{
    records[r.Event.Outcome] = records.GetValueOrDefault(r.Event.Outcome) + 1;
}

var upstreamCredentials = 0;
await foreach (var r in setup.Broker.Runtime.Store.ReadAuditAsync(new AuditQuery { Kind = AuditKinds.Issuance }, CancellationToken.None))
{
    upstreamCredentials += r.Event.Evidence.GetValueOrDefault("gateway") == "mcp" ? 1 : 0;
}

var audited = records.Values.Sum();
var outcomes = string.Join(", ", records.Select(kv => $"{kv.Value} {kv.Key}"));
Console.Error.WriteLine($"audit: {audited} mcp_call records ({outcomes}) for {gatewayCalls} gateway calls; {upstreamCredentials} upstream credentials issued");
if (audited != gatewayCalls || records.GetValueOrDefault("allowed") != gatewayCalls)
{
    throw new InvalidOperationException($"expected {gatewayCalls} allowed mcp_call records, found {audited} ({outcomes})");
}

var d = all["direct"].Order().ToArray();
var g = all["gateway"].Order().ToArray();
var f = CultureInfo.InvariantCulture;
var md = new System.Text.StringBuilder();
md.AppendLine(f, $"| target | p50 ms | p99 ms | mean ms |");
md.AppendLine("|---|---:|---:|---:|");
md.AppendLine(f, $"| direct to the MCP server | {Percentile(d, 0.5):0.000} | {Percentile(d, 0.99):0.000} | {d.Average():0.000} |");
md.AppendLine(f, $"| through the MCP gateway | {Percentile(g, 0.5):0.000} | {Percentile(g, 0.99):0.000} | {g.Average():0.000} |");
md.AppendLine(f, $"| **added by the gateway** | **{Percentile(g, 0.5) - Percentile(d, 0.5):0.000}** | **{Percentile(g, 0.99) - Percentile(d, 0.99):0.000}** | **{g.Average() - d.Average():0.000}** |");
md.AppendLine(f, $"| ratio gateway/direct | {Percentile(g, 0.5) / Percentile(d, 0.5):0.00}x | {Percentile(g, 0.99) / Percentile(d, 0.99):0.00}x | {g.Average() / d.Average():0.00}x |");
md.AppendLine();
md.AppendLine(f, $"Answers: direct `{answerTypes["direct"]}`, through the gateway `{answerTypes["gateway"]}`.");
md.AppendLine();
md.AppendLine(f, $"Audit: {audited} `mcp_call` records ({outcomes}) for {gatewayCalls} gateway calls (warm-up included); {upstreamCredentials} upstream credential(s) issued (`issuance`, `evidence.gateway = mcp`).");
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
