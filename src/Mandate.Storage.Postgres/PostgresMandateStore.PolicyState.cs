using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Evidence;
using Mandate.Core.Storage;
using Npgsql;

namespace Mandate.Storage.Postgres;

/// <summary>Rate counters, approvals and evidence.</summary>
public sealed partial class PostgresMandateStore
{
    public Task<IReadOnlyDictionary<string, long>> ReadRateCountsAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return ReadAsync("read rate counters", c => PostgresPolicyStateSql.RateCountsAsync(c, keys, cancellationToken), cancellationToken);
    }

    public async Task<Approval?> GetApprovalAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var found = await ReadAsync("read an approval", c => PostgresPolicyStateSql.ApprovalsAsync(c, id, null, 1, cancellationToken), cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public Task<IReadOnlyList<Approval>> ListApprovalsAsync(ApprovalStatus? status, int limit, CancellationToken cancellationToken) =>
        ReadAsync(
            "list approvals",
            c => PostgresPolicyStateSql.ApprovalsAsync(c, null, status, Math.Clamp(limit, 1, 10_000), cancellationToken),
            cancellationToken);

    public Task<Approval?> FindApprovalByBindingAsync(string bindingHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bindingHash);
        return ReadAsync("find an approval by binding", c => PostgresPolicyStateSql.ApprovalByBindingAsync(c, bindingHash, cancellationToken), cancellationToken);
    }

    public Task<bool> TryInsertApprovalAsync(Approval approval, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        ArgumentNullException.ThrowIfNull(auditEvents);
        return TryConditionalWriteAsync(
            "record an approval", "The approval was not recorded.", PostgresPolicyStateSql.InsertApprovalUnlessPendingCommand(approval), PostgresBatchWriter.Prepare(auditEvents), cancellationToken);
    }

    /// <summary>
    /// The conditional update, its rate counters and its audit events in one transaction under the audit lock, like a
    /// commit; when the approval is not in the transition's <c>From</c> state (or has expired) the transaction rolls back,
    /// writing nothing.
    /// </summary>
    public Task<bool> TryTransitionApprovalAsync(ApprovalTransition transition, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);
        ArgumentNullException.ThrowIfNull(auditEvents);
        var writes = PostgresBatchWriter.Prepare(new StoreBatch([.. transition.RateIncrements, .. auditEvents]));
        return TryConditionalWriteAsync("update an approval", "The approval was not changed.", PostgresPolicyStateSql.TransitionCommand(transition), writes, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="condition"/> under the audit lock (every commit holds it, so it sees what every node committed
    /// before) and writes <paramref name="writer"/>'s changes only when it affected one row; otherwise writes nothing.
    /// </summary>
    private Task<bool> TryConditionalWriteAsync(string action, string consequence, NpgsqlBatchCommand condition, PostgresBatchWriter writer, CancellationToken cancellationToken) =>
        WriteAsync(
            action,
            consequence,
            async (connection, transaction) =>
            {
                var (tail, matched) = await PostgresBatchWriter.LockAsync(connection, transaction, _auditLockKey, condition, cancellationToken);
                if (!matched)
                {
                    return (false, false);
                }

                await writer.WriteAsync(connection, transaction, tail, cancellationToken);
                return (true, true);
            },
            cancellationToken);

    public Task<bool> TryTouchApprovalAsync(string id, DateTimeOffset? lastPolledAt, DateTimeOffset polledAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);

        // Of two nodes' polls judged on the same last poll, the second UPDATE waits for the first and then no longer matches.
        return UpdateApprovalAsync(
            "record an approval poll",
            "The poll time was not recorded.",
            "UPDATE approvals SET last_polled_at = $1 WHERE id = $2 AND last_polled_at IS NOT DISTINCT FROM $3;",
            [PostgresValues.Time(polledAt), PostgresValues.Text(id), PostgresValues.Time(lastPolledAt)],
            cancellationToken);
    }

    public Task RaisePollIntervalAsync(string id, int seconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return UpdateApprovalAsync(
            "raise an approval's poll interval",
            "The poll interval was not raised.",
            "UPDATE approvals SET poll_interval_seconds = $1 WHERE id = $2 AND (poll_interval_seconds IS NULL OR poll_interval_seconds < $1);",
            [PostgresValues.Integer(seconds), PostgresValues.Text(id)],
            cancellationToken);
    }

    /// <summary>One UPDATE of an approval's poll state, without an audit record; true when it changed a row.</summary>
    private Task<bool> UpdateApprovalAsync(string action, string consequence, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken) =>
        WriteAsync(
            action,
            consequence,
            async (connection, transaction) =>
            {
                await using var command = PostgresValues.Command(connection, sql, parameters);
                command.Transaction = transaction;
                return (await command.ExecuteNonQueryAsync(cancellationToken) == 1, true);
            },
            cancellationToken);

    public Task<IReadOnlyList<EvidenceRecord>> LatestEvidenceAsync(string subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return ReadAsync("read evidence", c => PostgresPolicyStateSql.LatestEvidenceAsync(c, subject, cancellationToken), cancellationToken);
    }
}
