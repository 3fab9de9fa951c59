namespace Mandate.Fuzz.Running;

/// <summary>The counts for one target over a run; keeps the first few findings of each kind for the report.</summary>
internal sealed class FuzzTargetReport(string target, string covers)
{
    private const int KeptPerKind = 4;
    private readonly List<FuzzFinding> _findings = [];
    private readonly Dictionary<string, int> _kept = new(StringComparer.Ordinal);

    public string Target { get; } = target;
    public string Covers { get; } = covers;
    public long Inputs { get; set; }

    /// <summary>Exceptions outside the parser's contract: each would be a 500 or a crash.</summary>
    public long Unhandled { get; set; }

    /// <summary>Inputs over the target's time bound.</summary>
    public long Slow { get; set; }

    /// <summary>Outcomes the contract forbids without an exception (no result and no error, a 5xx, ...).</summary>
    public long Violations { get; set; }

    /// <summary>HTTP answers of 500 or more.</summary>
    public long ServerErrors { get; set; }

    /// <summary>Refused requests after which the store held more than before.</summary>
    public long StateChanges { get; set; }

    /// <summary>Inputs the parser accepted (a result, or HTTP 2xx), to show the generator reaches past the first check.</summary>
    public long Accepted { get; set; }

    public TimeSpan Duration { get; set; }

    public TimeSpan Slowest { get; private set; }

    public IReadOnlyList<FuzzFinding> Findings => _findings;

    public bool Clean => Unhandled == 0 && Slow == 0 && Violations == 0 && ServerErrors == 0 && StateChanges == 0;

    public void Observe(TimeSpan elapsed)
    {
        if (elapsed > Slowest)
        {
            Slowest = elapsed;
        }
    }

    public void Add(FuzzFinding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var kept = _kept.GetValueOrDefault(finding.Kind);
        if (kept < KeptPerKind)
        {
            _kept[finding.Kind] = kept + 1;
            _findings.Add(finding);
        }
    }
}
