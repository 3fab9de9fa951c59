namespace Mandate.Bench.Cluster;

/// <summary>
/// Command-line settings of the revocation-propagation probe (<c>--exchange URL --revoke URL --introspect URL
/// --body FILE --tool-token FILE [--count N] [--warmup N] [--timeout-ms MS] [--raw FILE]</c>).
/// </summary>
internal sealed record ProbeOptions
{
    /// <summary>The node that issues the credential (token exchange).</summary>
    public required Uri Exchange { get; init; }

    /// <summary>The node that revokes it (RFC 7009).</summary>
    public required Uri Revoke { get; init; }

    /// <summary>The node polled by introspection (RFC 7662) until it answers inactive.</summary>
    public required Uri Introspect { get; init; }

    /// <summary>The token-exchange form body, application/x-www-form-urlencoded, as the bench scripts write it.</summary>
    public required string ExchangeBody { get; init; }

    /// <summary>The workload JWT of the tool the credential addresses: it authenticates introspection and revocation.</summary>
    public required string ToolToken { get; init; }

    /// <summary>How many credentials to issue, revoke and watch. Default 1,000.</summary>
    public int Count { get; init; } = 1000;

    /// <summary>Unmeasured rounds first (connections opened, code jitted on the driver and on every node). Default 20.</summary>
    public int Warmup { get; init; } = 20;

    /// <summary>Longest to poll one credential before counting it as not propagated, in ms. Default 5,000.</summary>
    public int TimeoutMs { get; init; } = 5000;

    /// <summary>Optional file for one line per sample (tab-separated), for re-analysis.</summary>
    public string? RawFile { get; init; }

    public static ProbeOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"expected --name value pairs, got '{args[i]}'");
            }

            values[args[i][2..]] = args[i + 1];
        }

        string Required(string name) => values.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new ArgumentException($"--{name} is required");
        return new ProbeOptions
        {
            Exchange = new Uri(Required("exchange")),
            Revoke = new Uri(Required("revoke")),
            Introspect = new Uri(Required("introspect")),
            ExchangeBody = File.ReadAllText(Required("body")).Trim(),
            ToolToken = File.ReadAllText(Required("tool-token")).Trim(),
            Count = values.TryGetValue("count", out var c) ? int.Parse(c) : 1000,
            Warmup = values.TryGetValue("warmup", out var w) ? int.Parse(w) : 20,
            TimeoutMs = values.TryGetValue("timeout-ms", out var t) ? int.Parse(t) : 5000,
            RawFile = values.GetValueOrDefault("raw"),
        };
    }
}
