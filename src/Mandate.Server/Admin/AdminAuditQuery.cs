using Mandate.Core;
using Mandate.Core.Audit;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Admin;

/// <summary>
/// <c>GET /admin/audit</c>: the records matching every filter given, in sequence order (<c>order=newest</c>: the newest
/// first, so <c>limit</c> keeps the latest). <c>since</c> (inclusive) and <c>until</c> (exclusive) are
/// <see cref="AuditTimeBound"/>s; one that cannot be read, or a window that ends before it starts, is refused with
/// <c>admin.query_invalid</c> rather than answered with no records.
/// </summary>
internal static class AdminAuditQuery
{
    public static IResult Answer(
        IMandateStore store, TimeProvider time, string? agent, string? tenant, string? user, string? run, string? jti, string? kind, string? trace,
        string? since, string? until, string? order, string? limit)
    {
        if (order is not (null or "oldest" or "newest"))
        {
            return AdminQuery.Invalid("order must be oldest or newest");
        }

        // As the CLI: a kind or trace id no record can carry is refused, not answered with no records.
        if (kind is not null && !AuditKindCatalog.IsKnown(kind))
        {
            return AdminQuery.Invalid($"no audit record kind is called '{kind}'; the kinds are: {string.Join(", ", AuditKindCatalog.All)}");
        }

        if (trace is not null && !AuditQuery.IsTraceId(trace))
        {
            return AdminQuery.Invalid("trace must be a W3C trace id (32 lowercase hex digits, as in a traceparent header)");
        }

        var now = time.GetUtcNow();
        if (!AuditTimeBound.TryParseOptional(since, now, out var from))
        {
            return AdminQuery.Invalid($"since must be {AuditTimeBound.Expected}");
        }

        if (!AuditTimeBound.TryParseOptional(until, now, out var to))
        {
            return AdminQuery.Invalid($"until must be {AuditTimeBound.Expected}");
        }

        if (from >= to)
        {
            return AdminQuery.Invalid("until must be later than since");
        }

        var query = new AuditQuery
        {
            Agent = agent, Tenant = tenant, User = user, Run = run, Jti = jti, Kind = kind, TraceId = trace,
            Since = from, Until = to, NewestFirst = order == "newest", Limit = AdminQuery.LimitOr(limit, 1000),
        };
        return Results.Ok(Records(store, query));
    }

    private static async IAsyncEnumerable<object> Records(IMandateStore store, AuditQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var record in store.ReadAuditAsync(query, cancellationToken))
        {
            yield return new { seq = record.Sequence, hash = record.Hash, prev_hash = record.PreviousHash, @event = record.PayloadJson() };
        }
    }
}
