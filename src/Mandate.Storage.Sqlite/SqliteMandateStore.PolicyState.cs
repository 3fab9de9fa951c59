using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Evidence;

namespace Mandate.Storage.Sqlite;

/// <summary>Rate counters, approvals and evidence.</summary>
public sealed partial class SqliteMandateStore
{
    public Task<IReadOnlyDictionary<string, long>> ReadRateCountsAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return ReadAsync("read rate counters", c => SqlitePolicyStateReader.RateCountsAsync(c, keys, cancellationToken), cancellationToken);
    }

    public async Task<Approval?> GetApprovalAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var found = await ReadAsync("read an approval", c => SqlitePolicyStateReader.ApprovalsAsync(c, id, null, 1, cancellationToken), cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public Task<IReadOnlyList<Approval>> ListApprovalsAsync(ApprovalStatus? status, int limit, CancellationToken cancellationToken) =>
        ReadAsync("list approvals", c => SqlitePolicyStateReader.ApprovalsAsync(c, null, status, Math.Clamp(limit, 1, 10_000), cancellationToken), cancellationToken);

    public Task<Approval?> FindApprovalByBindingAsync(string bindingHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bindingHash);
        return ReadAsync("find an approval by binding", c => SqlitePolicyStateReader.ApprovalByBindingAsync(c, bindingHash, cancellationToken), cancellationToken);
    }

    public async Task<bool> TryInsertApprovalAsync(Approval approval, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        ArgumentNullException.ThrowIfNull(auditEvents);
        var inserted = false;
        await WriteAsync(
            "record an approval",
            "The approval was not recorded.",
            async connection =>
            {
                await using var transaction = connection.BeginTransaction(deferred: false);
                inserted = await SqlitePolicyStateWriter.TryInsertApprovalAsync(connection, transaction, approval, auditEvents, cancellationToken);
                if (inserted)
                {
                    transaction.Commit();
                }
            },
            cancellationToken);
        return inserted;
    }

    public async Task<bool> TryTransitionApprovalAsync(ApprovalTransition transition, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);
        ArgumentNullException.ThrowIfNull(auditEvents);
        var changed = false;
        await WriteAsync(
            "update an approval",
            "The approval was not changed.",
            async connection =>
            {
                await using var transaction = connection.BeginTransaction(deferred: false);
                changed = await SqlitePolicyStateWriter.TransitionAsync(connection, transaction, transition, auditEvents, cancellationToken);
                if (changed)
                {
                    transaction.Commit();
                }
            },
            cancellationToken);
        return changed;
    }

    public async Task<bool> TryTouchApprovalAsync(string id, DateTimeOffset? lastPolledAt, DateTimeOffset polledAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var touched = false;
        await WriteAsync(
            "record an approval poll",
            "The poll time was not recorded.",
            async connection => touched = await SqlitePolicyStateWriter.ExecuteAsync(
                connection, "UPDATE approvals SET last_polled_at = $at WHERE id = $id AND last_polled_at IS $last;", cancellationToken,
                ("$at", SqliteValues.Time(polledAt)), ("$id", id), ("$last", SqliteValues.Time(lastPolledAt))) == 1,
            cancellationToken);
        return touched;
    }

    public Task RaisePollIntervalAsync(string id, int seconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return WriteAsync(
            "raise an approval's poll interval",
            "The poll interval was not raised.",
            connection => SqlitePolicyStateWriter.ExecuteAsync(
                connection, "UPDATE approvals SET poll_interval_seconds = $seconds WHERE id = $id AND (poll_interval_seconds IS NULL OR poll_interval_seconds < $seconds);",
                cancellationToken, ("$seconds", seconds), ("$id", id)),
            cancellationToken);
    }

    public Task<IReadOnlyList<EvidenceRecord>> LatestEvidenceAsync(string subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return ReadAsync("read evidence", c => SqlitePolicyStateReader.LatestEvidenceAsync(c, subject, cancellationToken), cancellationToken);
    }
}
