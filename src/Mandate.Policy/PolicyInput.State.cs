namespace Mandate.Policy;

/// <summary>
/// The request context rule conditions (<c>when:</c>) read, and the state loaded for them before evaluation
/// (evidence, rate counters), so evaluation itself stays pure.
/// </summary>
public sealed partial record PolicyInput
{
    private static readonly IReadOnlyDictionary<string, object?> NoClaims = new Dictionary<string, object?>();
    private static readonly IReadOnlyDictionary<string, string> NoEvidence = new Dictionary<string, string>();
    private static readonly IReadOnlyDictionary<string, long> NoCounts = new Dictionary<string, long>();

    /// <summary>The instant of the request (one clock reading per request). Conditions see it as <c>now</c>.</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UnixEpoch;

    /// <summary>The run this credential belongs to, if known.</summary>
    public string? RunId { get; init; }

    /// <summary>Claims of the user's token other than the registered JWT ones, as expression values.</summary>
    public IReadOnlyDictionary<string, object?> UserClaims { get; init; } = NoClaims;

    /// <summary>The validated RFC 9396 <c>authorization_details</c>: a list of string-keyed maps (empty when none).</summary>
    public IReadOnlyList<object?> AuthorizationDetails { get; init; } = [];

    /// <summary>What the request says it works on (<c>evidence_subject</c>), e.g. <c>acme/shop@4f2a…</c>.</summary>
    public string? EvidenceSubject { get; init; }

    /// <summary>Latest evidence result per kind for <see cref="EvidenceSubject"/>, e.g. <c>eval → pass</c>.</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; init; } = NoEvidence;

    /// <summary>Credentials already issued in the current window, by rule id (rules with a rate_limit only).</summary>
    public IReadOnlyDictionary<string, long> RateCounts { get; init; } = NoCounts;
}
