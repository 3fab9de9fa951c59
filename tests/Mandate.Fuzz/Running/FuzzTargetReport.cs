namespace Mandate.Fuzz.Running;

/// <summary>
/// The counts for one target over a run, kept by the report itself as the run feeds it each input's outcome; keeps
/// the first few findings of each kind.
/// </summary>
internal sealed class FuzzTargetReport(string target, string covers)
{
    private const int KeptPerKind = 4;
    private readonly List<FuzzFinding> _findings = [];
    private readonly Dictionary<string, int> _kept = new(StringComparer.Ordinal);

    public string Target { get; } = target;
    public string Covers { get; } = covers;
    public long Inputs { get; private set; }

    /// <summary>Exceptions outside the parser's contract: each would be a 500 or a crash.</summary>
    public long Unhandled { get; private set; }

    /// <summary>Inputs over the target's time bound.</summary>
    public long Slow { get; private set; }

    /// <summary>Outcomes the contract forbids without an exception (no result and no error, a 5xx, ...).</summary>
    public long Violations { get; private set; }

    /// <summary>HTTP answers of 500 or more.</summary>
    public long ServerErrors { get; private set; }

    /// <summary>Refused requests after which the store held more than before.</summary>
    public long StateChanges { get; private set; }

    /// <summary>Inputs the parser accepted (a result, or HTTP 2xx), to show the generator reaches past the first check.</summary>
    public long Accepted { get; private set; }

    public TimeSpan Duration { get; private set; }

    public TimeSpan Slowest { get; private set; }

    public IReadOnlyList<FuzzFinding> Findings => _findings;

    public bool Clean => Unhandled == 0 && Slow == 0 && Violations == 0 && ServerErrors == 0 && StateChanges == 0;

    /// <summary>One input was run, taking <paramref name="elapsed"/>.</summary>
    public void CountInput(TimeSpan elapsed)
    {
        Inputs++;
        if (elapsed > Slowest)
        {
            Slowest = elapsed;
        }
    }

    /// <summary>The oracle's verdict on one input; anything but accepted or refused comes with its finding.</summary>
    public void Count(FuzzOutcome outcome, FuzzFinding? finding = null)
    {
        switch (outcome)
        {
            case FuzzOutcome.Accepted:
                Accepted++;
                return;
            case FuzzOutcome.Refused:
                return;
            case FuzzOutcome.Violation:
                Violations++;
                break;
            case FuzzOutcome.ServerError:
                ServerErrors++;
                break;
            case FuzzOutcome.StateChange:
                StateChanges++;
                break;
        }

        Add(finding ?? throw new ArgumentNullException(nameof(finding), $"a {outcome} outcome is a finding"));
    }

    /// <summary>The parser threw an exception its contract does not name.</summary>
    public void CountUnhandled(FuzzFinding finding)
    {
        Unhandled++;
        Add(finding);
    }

    /// <summary>One input took longer than the target's bound.</summary>
    public void CountSlow(FuzzFinding finding)
    {
        Slow++;
        Add(finding);
    }

    public void Finish(TimeSpan duration) => Duration = duration;

    private void Add(FuzzFinding finding)
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
