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
    /// line up both ways. Defaults to the ambient <see cref="System.Diagnostics.Activity.Current"/> at the
    /// moment the event is built (the request's server span, or the agent's <c>traceparent</c>); null outside
    /// a traced request.
    /// </summary>
    public string? TraceId { get; init; } = CurrentTraceId();

    public IReadOnlyDictionary<string, string> Evidence { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    private static string? CurrentTraceId() =>
        System.Diagnostics.Activity.Current is { IdFormat: System.Diagnostics.ActivityIdFormat.W3C } a
            ? a.TraceId.ToHexString()
            : null;
}
