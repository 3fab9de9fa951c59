using Mandate.Core.Audit;

namespace Mandate.Storage.InMemory;

/// <summary>Answers an <see cref="AuditQuery"/> from the index columns, exactly as the SQLite store's SQL does.</summary>
internal static class InMemoryAuditFilter
{
    public static IEnumerable<AuditRecord> Apply(IEnumerable<AuditRecord> records, AuditQuery query)
    {
        // Times compare as the fixed-width UTC text the columns hold, which orders like the instants.
        var since = query.Since is { } s ? AuditCanonicalJson.FormatTime(s) : null;
        var until = query.Until is { } u ? AuditCanonicalJson.FormatTime(u) : null;
        var matching = records.Where(r => r.Columns is { } c
            && r.Sequence > query.AfterSequence
            && (query.BeforeSequence <= 0 || r.Sequence < query.BeforeSequence)
            && Matches(query.Agent, c.Agent)
            && Matches(query.Tenant, c.Tenant)
            && Matches(query.User, c.User)
            && Matches(query.Run, c.Run)
            && Matches(query.Jti, c.Jti)
            && Matches(query.Kind, c.Kind)
            && (since is null || string.CompareOrdinal(c.Time, since) >= 0)
            && (until is null || string.CompareOrdinal(c.Time, until) < 0)
            && Matches(query.TraceId, query.TraceId is null ? null : r.Event.TraceId));
        var ordered = query.NewestFirst ? matching.OrderByDescending(r => r.Sequence) : matching;
        return query.Limit > 0 ? ordered.Take(query.Limit) : ordered;
    }

    // A null filter means "any"; a filter never matches a missing value (SQL: NULL = 'x' is not true).
    private static bool Matches(string? wanted, string? actual) =>
        wanted is null || string.Equals(wanted, actual, StringComparison.Ordinal);
}
