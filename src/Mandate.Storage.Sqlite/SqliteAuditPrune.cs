using Mandate.Core.Audit.Retention;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>
/// Records a prune anchor and removes the records up to it, inside the caller's write transaction. The triggers of
/// <c>audit_anchors</c> refuse an anchor that does not move forward or names no record the chain holds, and those of
/// the audit tables refuse deleting past the newest anchor, so a wrong anchor aborts the whole batch.
/// </summary>
internal static class SqliteAuditPrune
{
    private const string Prune = """
        INSERT INTO audit_anchors (seq, hash, checkpoint, archive, pruned_at) VALUES ($seq, $hash, $checkpoint, $archive, $prunedAt);
        DELETE FROM audit WHERE seq <= $seq;
        DELETE FROM audit_v1 WHERE seq <= $seq;
        DELETE FROM audit_shapes WHERE NOT EXISTS (SELECT 1 FROM audit WHERE audit.shape = audit_shapes.id);
        """;

    private const string ReadNewest = "SELECT seq, hash, checkpoint, archive, pruned_at FROM audit_anchors ORDER BY seq DESC LIMIT 1;";

    public static async Task WriteAsync(SqliteConnection connection, AuditPruneAnchor anchor, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Prune;
        var p = command.Parameters;
        p.AddWithValue("$seq", anchor.Sequence);
        p.AddWithValue("$hash", Convert.FromHexString(anchor.Hash));
        p.AddWithValue("$checkpoint", SqliteValues.Nullable(anchor.Checkpoint));
        p.AddWithValue("$archive", SqliteValues.Nullable(anchor.Archive));
        p.AddWithValue("$prunedAt", anchor.PrunedAt.UtcTicks);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<AuditPruneAnchor?> ReadAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = ReadNewest;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new AuditPruneAnchor(
                reader.GetInt64(0),
                Convert.ToHexStringLower((byte[])reader.GetValue(1)),
                reader.GetString(2),
                reader.GetString(3),
                new DateTimeOffset(reader.GetInt64(4), TimeSpan.Zero))
            : null;
    }
}
