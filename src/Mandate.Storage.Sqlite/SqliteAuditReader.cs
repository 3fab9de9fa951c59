using System.Runtime.CompilerServices;
using Mandate.Core.Audit;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>
/// Streams audit records for a query, on its own read connection, in sequence order: the records kept before the
/// compact form (<c>audit_v1</c>) first, then the compact ones, whose sequence numbers all come after (the other way
/// round for newest first).
/// </summary>
internal static class SqliteAuditReader
{
    public static async IAsyncEnumerable<AuditRecord> ReadAsync(
        SqliteConnectionFactory connections,
        string description,
        AuditQuery query,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit);

        // C# forbids yield inside try/catch, so each driver call that can fail is wrapped on its own. One read
        // transaction spans both tables, so a commit between the two reads cannot be half seen.
        await using var connection = await Guard(description, () => connections.OpenReaderAsync(cancellationToken));
        await using var transaction = await Guard(description, () => Task.FromResult(connection.BeginTransaction(deferred: true)));
        var returned = 0;
        foreach (var legacy in query.NewestFirst ? new[] { false, true } : new[] { true, false })
        {
            if (query.Limit > 0 && returned >= query.Limit)
            {
                yield break;
            }

            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var page = query.Limit > 0 ? query with { Limit = query.Limit - returned } : query;
            if (legacy)
            {
                SqliteAuditV1Sql.Build(command, page);
            }
            else
            {
                SqliteAuditSql.Build(command, page);
            }

            await using var reader = await Guard(description, () => command.ExecuteReaderAsync(cancellationToken));
            while (await Guard(description, () => reader.ReadAsync(cancellationToken)))
            {
                returned++;
                yield return legacy ? SqliteAuditV1Sql.ReadRecord(reader) : SqliteAuditSql.ReadRecord(reader);
            }
        }
    }

    private static async Task<T> Guard<T>(string description, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (SqliteErrors.IsStoreFailure(ex))
        {
            throw SqliteErrors.Unavailable(description, "read the audit log", ex);
        }
    }
}
