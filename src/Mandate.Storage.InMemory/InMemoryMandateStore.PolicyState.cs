using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Evidence;
using Mandate.Core.Storage;

namespace Mandate.Storage.InMemory;

/// <summary>Rate counters, approvals and evidence.</summary>
public sealed partial class InMemoryMandateStore
{
    public Task<IReadOnlyDictionary<string, long>> ReadRateCountsAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        var counters = Read("read rate counters").RateCounters;
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (counters.TryGetValue(key, out var counter))
            {
                counts[key] = counter.Count;
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, long>>(counts);
    }

    public Task<Approval?> GetApprovalAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read("read an approval").Approvals.GetValueOrDefault(id));
    }

    public Task<IReadOnlyList<Approval>> ListApprovalsAsync(ApprovalStatus? status, int limit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<Approval> approvals = Read("list approvals").Approvals.Values
            .Where(a => status is null || a.Status == status)
            .OrderByDescending(a => a.CreatedAt.UtcTicks).ThenBy(a => a.Id, StringComparer.Ordinal)
            .Take(Math.Clamp(limit, 1, 10_000))
            .ToList();
        return Task.FromResult(approvals);
    }

    public Task<Approval?> FindApprovalByBindingAsync(string bindingHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bindingHash);
        cancellationToken.ThrowIfCancellationRequested();
        var newest = Read("find an approval by binding").Approvals.Values
            .Where(a => a.BindingHash == bindingHash)
            .OrderByDescending(a => a.CreatedAt.UtcTicks).ThenByDescending(a => a.Id, StringComparer.Ordinal)
            .FirstOrDefault();
        return Task.FromResult(newest);
    }

    public Task<bool> TryInsertApprovalAsync(Approval approval, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approval);
        ArgumentNullException.ThrowIfNull(auditEvents);
        cancellationToken.ThrowIfCancellationRequested();
        var inserted = Write("record an approval", writer =>
        {
            if (!writer.TryInsertApproval(approval))
            {
                return false;
            }

            foreach (var e in auditEvents)
            {
                writer.AppendAudit(e);
            }

            return true;
        });
        return Task.FromResult(inserted);
    }

    public Task<bool> TryTransitionApprovalAsync(ApprovalTransition transition, IReadOnlyList<AuditEvent> auditEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transition);
        ArgumentNullException.ThrowIfNull(auditEvents);
        cancellationToken.ThrowIfCancellationRequested();
        var changed = Write("update an approval", writer =>
        {
            if (!writer.TryTransitionApproval(transition))
            {
                return false;
            }

            writer.Write(new StoreBatch(transition.RateIncrements));
            foreach (var e in auditEvents)
            {
                writer.AppendAudit(e);
            }

            return true;
        });
        return Task.FromResult(changed);
    }

    public Task<bool> TryTouchApprovalAsync(string id, DateTimeOffset? lastPolledAt, DateTimeOffset polledAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Write("record an approval poll", writer => writer.TryTouchApproval(id, lastPolledAt, polledAt)));
    }

    public Task RaisePollIntervalAsync(string id, int seconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        cancellationToken.ThrowIfCancellationRequested();
        Write("raise an approval's poll interval", writer => writer.RaisePollInterval(id, seconds));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<EvidenceRecord>> LatestEvidenceAsync(string subject, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subject);
        cancellationToken.ThrowIfCancellationRequested();

        // Per kind, the newest posting; among postings at the same instant the greatest id wins.
        IReadOnlyList<EvidenceRecord> latest = Read("read evidence").Evidence.Values
            .Where(e => e.Subject == subject)
            .GroupBy(e => e.Kind, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(e => e.PostedAt.UtcTicks).ThenByDescending(e => e.Id, StringComparer.Ordinal).First())
            .ToList();
        return Task.FromResult(latest);
    }
}
