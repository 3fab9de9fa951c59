using Mandate.Core.Storage;

namespace Mandate.Core.Audit;

/// <summary>
/// One fact for the audit trail, before it is chained. Holds identities, outcomes and token ids,
/// never a token, secret or key. <see cref="Evidence"/> carries what the decision rested on
/// (issuer, selected claims, key id, expiry, node) as flat string pairs.
/// </summary>
public sealed record AuditEvent : IStoreChange
{
    /// <summary>What happened; see <see cref="AuditKinds"/>.</summary>
    public required string Kind { get; init; }

    public required DateTimeOffset Time { get; init; }

    /// <summary>allow, deny, issued, accepted, rejected, revoked, rotated, …</summary>
    public required string Outcome { get; init; }

    public string? Agent { get; init; }
    public string? Tenant { get; init; }
    public string? User { get; init; }
    public string? Run { get; init; }
    public string? Tool { get; init; }
    public string? Scope { get; init; }
    public string? Jti { get; init; }
    public string? DecisionId { get; init; }
    public string? PolicyVersion { get; init; }
    public string? Rule { get; init; }
    public string? Reason { get; init; }

    /// <summary>The broker node that recorded the event.</summary>
    public string? Node { get; init; }

    /// <summary>
    /// W3C trace id (32 lowercase hex) of the request that caused the event, so a trace and the audit trail
    /// line up both ways. Defaults to the trace of the ambient <see cref="System.Diagnostics.Activity.Current"/>
    /// when that trace exists outside this process: the caller sent a <c>traceparent</c>, or the broker records
    /// (exports) the span. Null otherwise, and outside a request.
    /// </summary>
    public string? TraceId { get; init; } = CurrentTraceId();

    /// <summary>Name-value evidence, in any order: encoding puts it in ordinal order. None by default.</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; init; } = System.Collections.Frozen.FrozenDictionary<string, string>.Empty;

    /// <summary>
    /// A time the evidence holds as Unix seconds (<c>exp</c>, <c>iat</c>, …); null when it is absent, not a whole
    /// number, or outside the times a <see cref="DateTimeOffset"/> holds (only an edited store has such a value).
    /// </summary>
    public DateTimeOffset? EvidenceTime(string name) =>
        long.TryParse(Evidence.GetValueOrDefault(name), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
        && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;

    // A trace id that no caller and no tracing backend holds leads nowhere, and naming it would cost every
    // record a write at a random place in the trace index (measured: about half the audit's disk writes).
    private static string? CurrentTraceId()
    {
        if (System.Diagnostics.Activity.Current is not { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } current)
        {
            return null;
        }

        var root = current;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        return current.Recorded || root.ParentId is not null ? current.TraceId.ToHexString() : null;
    }
}
