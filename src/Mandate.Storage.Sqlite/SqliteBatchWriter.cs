using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Credentials;
using Mandate.Core.Evidence;
using Mandate.Core.Keys;
using Mandate.Core.RateLimits;
using Mandate.Core.Runs;
using Mandate.Core.Secrets;
using Mandate.Core.Spiffe;
using Mandate.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Mandate.Storage.Sqlite;

/// <summary>Writes one <see cref="StoreBatch"/> inside the caller's write transaction.</summary>
internal static class SqliteBatchWriter
{
    // Revocations are immutable facts; a retried revocation with the same id is the same revocation.
    // Only lifting an agent's kill switch (and the retention that goes with it) may change later. A new row and
    // a lift take the next change cursor (one writer at a time, so max + 1 is in commit order); a retry does not.
    private const string InsertRevocation = """
        INSERT INTO revocations (id, target, value, revoked_at, keep_until, revoked_by, reason, lifted_at, change_seq)
        VALUES ($id, $target, $value, $revokedAt, $keepUntil, $revokedBy, $reason, $liftedAt,
                (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM revocations))
        ON CONFLICT (id) DO UPDATE SET lifted_at = excluded.lifted_at, keep_until = excluded.keep_until,
            change_seq = CASE WHEN excluded.lifted_at IS NULL THEN revocations.change_seq
                              ELSE (SELECT MAX(change_seq) + 1 FROM revocations) END
        WHERE revocations.lifted_at IS NULL;
        """;

    private const string UpsertKey = """
        INSERT INTO keys (kid, purpose, algorithm, sealed_private_key, public_jwk, created_at, retired_at, publish_until, node)
        VALUES ($kid, $purpose, $algorithm, $sealed, $jwk, $createdAt, $retiredAt, $publishUntil, $node)
        ON CONFLICT (kid) DO UPDATE SET
            purpose = excluded.purpose,
            algorithm = excluded.algorithm,
            sealed_private_key = excluded.sealed_private_key,
            public_jwk = excluded.public_jwk,
            created_at = excluded.created_at,
            retired_at = excluded.retired_at,
            publish_until = excluded.publish_until,
            node = excluded.node;
        """;

    /// <summary>
    /// Writes every change in batch order, each to its table, then chains the batch's audit events (in their
    /// order) after the tail read under this transaction's write lock.
    /// </summary>
    /// <exception cref="ArgumentException">The batch holds a change this store does not know; the caller rolls back.</exception>
    public static async Task WriteAsync(SqliteConnection connection, SqliteTransaction transaction, StoreBatch batch, CancellationToken cancellationToken)
    {
        var events = new List<EncodedAuditEvent>();
        foreach (var change in batch.Changes)
        {
            switch (change)
            {
                case AuditEvent e:
                    events.Add(EncodedAuditEvent.Of(e));
                    break;
                case EncodedAuditEvent e:
                    events.Add(e);
                    break;
                case Core.Audit.Retention.AuditPruneAnchor anchor:
                    await SqliteAuditPrune.WriteAsync(connection, anchor, cancellationToken);
                    break;
                case Core.Revocation.Revocation revocation:
                    await WriteRevocationAsync(connection, revocation, cancellationToken);
                    break;
                case StoredKey key:
                    await WriteKeyAsync(connection, key, cancellationToken);
                    break;
                case RateIncrement increment:
                    await SqlitePolicyStateWriter.IncrementAsync(connection, increment, cancellationToken);
                    break;
                case Approval approval:
                    await SqlitePolicyStateWriter.InsertApprovalAsync(connection, approval, cancellationToken);
                    break;
                case EvidenceRecord evidence:
                    await SqlitePolicyStateWriter.InsertEvidenceAsync(connection, evidence, cancellationToken);
                    break;
                case StoredSecret secret:
                    await SqliteSecretStore.UpsertAsync(connection, secret, cancellationToken);
                    break;
                case SecretDeletion deletion:
                    await SqliteSecretStore.DeleteAsync(connection, deletion.Tool, cancellationToken);
                    break;
                case RunRecord run:
                    await SqliteRunStore.WriteAsync(connection, run, cancellationToken);
                    break;
                case DatabaseLease lease:
                    await SqliteMandateStore.WriteLeaseAsync(connection, lease, cancellationToken);
                    break;
                case RegistrationEntry entry:
                    await SqliteEntryStore.InsertAsync(connection, entry, cancellationToken);
                    break;
                case RegistrationEntryDeletion deletion:
                    await SqliteEntryStore.DeleteAsync(connection, deletion.Id, cancellationToken);
                    break;
                default:
                    throw new ArgumentException($"The SQLite store cannot write a change of type {change.GetType().FullName}.", nameof(batch));
            }
        }

        if (events.Count > 0)
        {
            // The tail is read inside the write transaction, so no other writer can link to it meanwhile.
            var tail = await SqliteAuditWriter.ReadTailAsync(connection, transaction, cancellationToken);
            await SqliteAuditWriter.WriteAsync(connection, transaction, events, AuditChain.Link(tail, events), cancellationToken);
        }
    }

    private static async Task WriteRevocationAsync(
        SqliteConnection connection, Core.Revocation.Revocation revocation, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = InsertRevocation;
        var p = command.Parameters;
        p.AddWithValue("$id", SqliteValues.Nullable(revocation.Id));
        p.AddWithValue("$target", SqliteValues.Target(revocation.Target));
        p.AddWithValue("$value", SqliteValues.Nullable(revocation.Value));
        p.AddWithValue("$revokedAt", SqliteValues.Time(revocation.RevokedAt));
        p.AddWithValue("$keepUntil", SqliteValues.Time(revocation.KeepUntil));
        p.AddWithValue("$revokedBy", SqliteValues.Nullable(revocation.RevokedBy));
        p.AddWithValue("$reason", SqliteValues.Nullable(revocation.Reason));
        p.AddWithValue("$liftedAt", SqliteValues.Time(revocation.LiftedAt));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task WriteKeyAsync(SqliteConnection connection, StoredKey key, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = UpsertKey;
        var p = command.Parameters;
        p.AddWithValue("$kid", SqliteValues.Nullable(key.Kid));
        p.AddWithValue("$purpose", SqliteValues.Nullable(key.Purpose));
        p.AddWithValue("$algorithm", SqliteValues.Nullable(key.Algorithm));
        p.AddWithValue("$sealed", SqliteValues.Nullable(key.SealedPrivateKey));
        p.AddWithValue("$jwk", SqliteValues.Nullable(key.PublicJwk));
        p.AddWithValue("$createdAt", SqliteValues.Time(key.CreatedAt));
        p.AddWithValue("$retiredAt", SqliteValues.Time(key.RetiredAt));
        p.AddWithValue("$publishUntil", SqliteValues.Time(key.PublishUntil));
        p.AddWithValue("$node", SqliteValues.Nullable(key.Node));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
