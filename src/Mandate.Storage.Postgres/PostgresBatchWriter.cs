using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Cluster;
using Mandate.Core.Credentials;
using Mandate.Core.Evidence;
using Mandate.Core.Keys;
using Mandate.Core.RateLimits;
using Mandate.Core.Runs;
using Mandate.Core.Secrets;
using Mandate.Core.Spiffe;
using Mandate.Core.Storage;
using Npgsql;

namespace Mandate.Storage.Postgres;

/// <summary>
/// Writes one <see cref="StoreBatch"/> inside the caller's transaction: the batch's statements are prepared before
/// any round trip (so a change the store does not know fails before anything is sent), then, under the cluster's
/// audit lock, the tail is read, the changes written in batch order, the audit events chained after the tail and
/// inserted, and the change topics notified. One chain for the whole cluster, extended one commit at a time.
/// </summary>
internal sealed class PostgresBatchWriter
{
    private readonly List<NpgsqlBatchCommand> _changes = [];
    private readonly List<EncodedAuditEvent> _events = [];
    private readonly List<RateIncrement> _increments = [];
    private bool _revocations;
    private bool _keys;

    /// <summary>Prepares <paramref name="batch"/>'s statements.</summary>
    /// <exception cref="ArgumentException">The batch holds a change this store does not know.</exception>
    public static PostgresBatchWriter Prepare(StoreBatch batch)
    {
        var writer = new PostgresBatchWriter();
        foreach (var change in batch.Changes)
        {
            writer.Add(change);
        }

        return writer;
    }

    /// <summary>Prepares audit events alone (a conditional approval insert's).</summary>
    public static PostgresBatchWriter Prepare(IReadOnlyList<AuditEvent> events)
    {
        var writer = new PostgresBatchWriter();
        foreach (var e in events)
        {
            writer.Add(e);
        }

        return writer;
    }

    /// <summary>
    /// Takes the audit lock, reads the tail, and returns whether <paramref name="condition"/> (sent in the same round
    /// trip, after the lock) affected exactly one row; without a condition, true.
    /// </summary>
    public static async Task<(AuditTail Tail, bool Matched)> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long auditLockKey, NpgsqlBatchCommand? condition, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(PostgresValues.BatchCommand("SELECT pg_advisory_xact_lock($1);", PostgresValues.Bigint(auditLockKey)));
        if (condition is not null)
        {
            batch.BatchCommands.Add(condition);
        }

        batch.BatchCommands.Add(PostgresValues.BatchCommand(PostgresAuditSql.ReadTail));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // The lock's single row.
        }

        // The condition is an UPDATE or an INSERT without RETURNING: it returns no result set, so the next one is the tail's.
        await reader.NextResultAsync(cancellationToken);

        var tail = await reader.ReadAsync(cancellationToken) ? new AuditTail(reader.GetInt64(0), reader.GetString(1)) : AuditTail.Genesis;
        while (await reader.NextResultAsync(cancellationToken))
        {
            // Drain, so the statement's outcome is known before the reader closes.
        }

        return (tail, condition is null || condition.RecordsAffected == 1);
    }

    /// <summary>Sends the changes, the chained audit records and the notifications in one round trip, after <paramref name="tail"/>.</summary>
    public async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AuditTail tail, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var command in _changes)
        {
            batch.BatchCommands.Add(command);
        }

        // Counters are only ever added to, and nothing in a batch reads them, so all of them go in one statement.
        if (_increments.Count > 0)
        {
            batch.BatchCommands.Add(PostgresPolicyStateSql.IncrementCommand(_increments));
        }

        if (_events.Count > 0)
        {
            batch.BatchCommands.Add(PostgresCompactAuditSql.InsertCommand(_events, AuditChain.Link(tail, _events)));
        }

        // Delivered by the server only if and when this transaction commits: a listener never hears a change
        // that is not durable, and hears nothing of a batch that rolled back.
        if (_revocations)
        {
            batch.BatchCommands.Add(Notify(ChangeTopic.Revocations));
        }

        if (_keys)
        {
            batch.BatchCommands.Add(Notify(ChangeTopic.Keys));
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static NpgsqlBatchCommand Notify(ChangeTopic topic) =>
        PostgresValues.BatchCommand("SELECT pg_notify($1, $2);", PostgresValues.Text(PostgresChannels.Changes), PostgresValues.Text(PostgresChannels.Payload(topic)));

    private void Add(IStoreChange change)
    {
        switch (change)
        {
            case AuditEvent e:
                _events.Add(EncodedAuditEvent.Of(e));
                break;
            case EncodedAuditEvent e:
                _events.Add(e);
                break;
            case Core.Audit.Retention.AuditPruneAnchor anchor:
                _changes.AddRange(PostgresAuditPruneSql.Commands(anchor));
                break;
            case Core.Revocation.Revocation revocation:
                _changes.Add(PostgresRevocationSql.UpsertCommand(revocation));
                _revocations = true;
                break;
            case StoredKey key:
                _changes.Add(PostgresKeySql.UpsertCommand(key));
                _keys = true;
                break;
            case RateIncrement increment:
                _increments.Add(increment);
                break;
            case Approval approval:
                _changes.Add(PostgresPolicyStateSql.InsertApprovalCommand(approval));
                break;
            case EvidenceRecord evidence:
                _changes.Add(PostgresPolicyStateSql.InsertEvidenceCommand(evidence));
                break;
            case StoredSecret secret:
                _changes.Add(PostgresVaultSql.UpsertCommand(secret));
                break;
            case SecretDeletion deletion:
                _changes.Add(PostgresVaultSql.DeleteCommand(deletion));
                break;
            case RunRecord run:
                _changes.Add(PostgresRunSql.UpsertCommand(run));
                break;
            case DatabaseLease lease:
                _changes.Add(PostgresEntrySql.UpsertLeaseCommand(lease));
                break;
            case RegistrationEntry entry:
                _changes.Add(PostgresEntrySql.InsertEntryCommand(entry));
                break;
            case RegistrationEntryDeletion deletion:
                _changes.Add(PostgresEntrySql.DeleteEntryCommand(deletion));
                break;
            default:
                throw new ArgumentException($"The PostgreSQL store cannot write a change of type {change.GetType().FullName}.", nameof(change));
        }
    }
}
