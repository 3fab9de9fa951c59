namespace Mandate.Core.Audit;

/// <summary>
/// Filters for reading the audit trail; null means "any". Results are in sequence order, ascending unless
/// <see cref="NewestFirst"/>.
/// </summary>
public sealed record AuditQuery
{
    public string? Agent { get; init; }
    public string? Tenant { get; init; }
    public string? User { get; init; }
    public string? Run { get; init; }
    public string? Jti { get; init; }
    public string? Kind { get; init; }

    /// <summary>The W3C trace id (32 lowercase hex) of the request that caused the events.</summary>
    public string? TraceId { get; init; }

    /// <summary>Only events at or after this time (inclusive).</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only events before this time (exclusive), so consecutive windows never overlap.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Only records with a sequence number greater than this (for paging).</summary>
    public long AfterSequence { get; init; }

    /// <summary>Only records with a sequence number less than this (for paging newest first); 0 means no bound.</summary>
    public long BeforeSequence { get; init; }

    /// <summary>Descending sequence order, so that <see cref="Limit"/> keeps the newest matching records.</summary>
    public bool NewestFirst { get; init; }

    /// <summary>At most this many records; 0 means no limit.</summary>
    public int Limit { get; init; }

    /// <summary>
    /// Whether <paramref name="value"/> is a W3C trace id (32 lowercase hex digits, not all zero), the only form a
    /// record's <see cref="TraceId"/> takes; anything else can match no record, so callers refuse it.
    /// </summary>
    public static bool IsTraceId(string value) =>
        value.Length == 32 && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')) && value != new string('0', 32);

    /// <summary>The same query for the records that come after <paramref name="sequence"/> in its order (the next page).</summary>
    public AuditQuery Past(long sequence) =>
        NewestFirst ? this with { BeforeSequence = sequence } : this with { AfterSequence = sequence };
}
