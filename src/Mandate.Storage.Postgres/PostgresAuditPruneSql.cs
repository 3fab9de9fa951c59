using Mandate.Core.Audit.Retention;
using Npgsql;

namespace Mandate.Storage.Postgres;

/// <summary>
/// Records a prune anchor and removes the records up to it, in the caller's transaction under the audit lock. The
/// trigger of <c>audit_anchors</c> refuses an anchor that does not move forward or names no record the chain holds, and
/// those of the audit tables refuse deleting past the newest anchor, so a wrong anchor rolls the whole batch back.
/// </summary>
internal static class PostgresAuditPruneSql
{
    private const string InsertAnchor = "INSERT INTO audit_anchors (seq, hash, checkpoint, archive, pruned_at) VALUES ($1, $2, $3, $4, $5);";
    private const string DeleteRecords = "DELETE FROM audit WHERE seq <= $1;";
    private const string DeleteV1Records = "DELETE FROM audit_v1 WHERE seq <= $1;";
    private const string DeleteUnusedShapes = "DELETE FROM audit_shapes s WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.shape = s.id);";
    private const string ReadNewest = "SELECT seq, encode(hash, 'hex'), checkpoint, archive, pruned_at FROM audit_anchors ORDER BY seq DESC LIMIT 1;";

    public static IEnumerable<NpgsqlBatchCommand> Commands(AuditPruneAnchor anchor)
    {
        yield return PostgresValues.BatchCommand(
            InsertAnchor,
            PostgresValues.Bigint(anchor.Sequence),
            PostgresValues.Bytea(Convert.FromHexString(anchor.Hash)),
            PostgresValues.Text(anchor.Checkpoint),
            PostgresValues.Text(anchor.Archive),
            PostgresValues.Time(anchor.PrunedAt));
        yield return PostgresValues.BatchCommand(DeleteRecords, PostgresValues.Bigint(anchor.Sequence));
        yield return PostgresValues.BatchCommand(DeleteV1Records, PostgresValues.Bigint(anchor.Sequence));
        yield return PostgresValues.BatchCommand(DeleteUnusedShapes);
    }

    public static async Task<AuditPruneAnchor?> ReadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = PostgresValues.Command(connection, ReadNewest);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new AuditPruneAnchor(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), PostgresValues.ReadTime(reader, 4))
            : null;
    }
}
