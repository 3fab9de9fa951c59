using System.Collections.Immutable;
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

namespace Mandate.Storage.InMemory;

/// <summary>
/// Applies changes to a copy of <see cref="InMemoryState"/> with the SQLite store's rules: the same upserts,
/// the same "only forward" updates, and the same constraints (a missing required value or a duplicate id
/// fails the whole batch). Nothing is visible until <see cref="ToState"/> is swapped in by the caller.
/// </summary>
internal sealed partial class InMemoryBatchWriter
{
    private readonly string _description;
    private readonly InMemoryState _start;
    private readonly ImmutableDictionary<string, Core.Revocation.Revocation>.Builder _revocations;
    private readonly ImmutableDictionary<string, StoredKey>.Builder _keys;
    private readonly ImmutableDictionary<string, RunRecord>.Builder _runs;
    private readonly ImmutableDictionary<string, RateCounter>.Builder _rateCounters;
    private readonly ImmutableDictionary<string, Approval>.Builder _approvals;
    private readonly ImmutableDictionary<string, EvidenceRecord>.Builder _evidence;
    private readonly ImmutableDictionary<string, DatabaseLease>.Builder _leases;
    private readonly ImmutableDictionary<string, RegistrationEntry>.Builder _entries;
    private readonly ImmutableDictionary<string, StoredSecret>.Builder _secrets;
    private readonly ImmutableDictionary<string, long>.Builder _revocationCursors;
    private readonly List<AuditEvent> _auditEvents = [];
    private ImmutableList<AuditRecord> _audit;
    private Core.Audit.Retention.AuditPruneAnchor? _pruneAnchor;
    private long _lastRevocationCursor;

    public InMemoryBatchWriter(InMemoryState start, string description)
    {
        _start = start;
        _description = description;
        _revocations = start.Revocations.ToBuilder();
        _keys = start.Keys.ToBuilder();
        _runs = start.Runs.ToBuilder();
        _rateCounters = start.RateCounters.ToBuilder();
        _approvals = start.Approvals.ToBuilder();
        _evidence = start.Evidence.ToBuilder();
        _leases = start.DatabaseLeases.ToBuilder();
        _entries = start.RegistrationEntries.ToBuilder();
        _secrets = start.Secrets.ToBuilder();
        _revocationCursors = start.RevocationCursors.ToBuilder();
        _lastRevocationCursor = start.LastRevocationCursor;
        _audit = start.Audit;
        _pruneAnchor = start.PruneAnchor;
    }

    /// <summary>
    /// Applies every change of <paramref name="batch"/> in order, each to its table; audit events are chained
    /// last (see <see cref="ToState"/>), in their order.
    /// </summary>
    /// <exception cref="ArgumentException">The batch holds a change this store does not know.</exception>
    public void Write(StoreBatch batch)
    {
        foreach (var change in batch.Changes)
        {
            switch (change)
            {
                case AuditEvent e:
                    AppendAudit(e);
                    break;
                case EncodedAuditEvent e:
                    AppendAudit(e.Event);
                    break;
                case Core.Audit.Retention.AuditPruneAnchor anchor:
                    Prune(anchor);
                    break;
                case Core.Revocation.Revocation revocation:
                    WriteRevocation(revocation);
                    break;
                case StoredKey key:
                    WriteKey(key);
                    break;
                case RateIncrement increment:
                    WriteRateIncrement(increment);
                    break;
                case Approval approval:
                    WriteApproval(approval);
                    break;
                case EvidenceRecord evidence:
                    WriteEvidence(evidence);
                    break;
                case StoredSecret secret:
                    WriteSecret(secret);
                    break;
                case SecretDeletion deletion:
                    _secrets.Remove(Required(deletion.Tool, "secrets.tool"));
                    break;
                case RunRecord run:
                    WriteRun(run);
                    break;
                case DatabaseLease lease:
                    WriteLease(lease);
                    break;
                case RegistrationEntry entry:
                    WriteEntry(entry);
                    break;
                case RegistrationEntryDeletion deletion:
                    _entries.Remove(Required(deletion.Id, "registration_entries.id"));
                    break;
                default:
                    throw new ArgumentException($"The in-memory store cannot write a change of type {change.GetType().FullName}.", nameof(batch));
            }
        }
    }

    /// <summary>Queues an audit event; the chain is linked last, to the tail the commit started from.</summary>
    public void AppendAudit(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Required(e.Kind, "audit.kind");
        Required(e.Outcome, "audit.outcome");
        _auditEvents.Add(e);
    }

    /// <summary>
    /// Applies <paramref name="t"/> when the approval is in its <c>From</c> state and, when pending, has not
    /// expired at <c>At</c>; true when it changed.
    /// </summary>
    public bool TryTransitionApproval(ApprovalTransition t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (!_approvals.TryGetValue(t.Id, out var a) || a.Status != t.From
            || (t.From == ApprovalStatus.Pending && a.ExpiresAt <= t.At))
        {
            return false;
        }

        _approvals[t.Id] = a with
        {
            Status = t.To,
            Approver = t.Approver ?? a.Approver,
            DecidedReason = t.Reason ?? a.DecidedReason,
            DecidedAt = t.From == ApprovalStatus.Pending ? t.At : a.DecidedAt,
            Jti = t.Jti ?? a.Jti,
        };
        return true;
    }

    /// <summary>
    /// Inserts the pending <paramref name="a"/> unless a pending approval answers for the same request (see
    /// <see cref="IApprovalStore.TryInsertApprovalAsync"/>); true when it was inserted.
    /// </summary>
    public bool TryInsertApproval(Approval a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (_approvals.Values.Any(p => p.BindingHash == a.BindingHash && p.Status == ApprovalStatus.Pending && p.ExpiresAt > a.CreatedAt
            && p.Agent == a.Agent && p.PolicyVersion == a.PolicyVersion && p.Rule == a.Rule && p.SenderBinding == a.SenderBinding
            && p.LifetimeSeconds <= a.LifetimeSeconds))
        {
            return false;
        }

        WriteApproval(a);
        return true;
    }

    /// <summary>
    /// Records a poll of the approval <paramref name="id"/> while its last one is still <paramref name="lastPolledAt"/>
    /// (see <see cref="IApprovalStore.TryTouchApprovalAsync"/>); true when it was recorded.
    /// </summary>
    public bool TryTouchApproval(string id, DateTimeOffset? lastPolledAt, DateTimeOffset polledAt)
    {
        if (!_approvals.TryGetValue(id, out var a) || a.LastPolledAt != lastPolledAt)
        {
            return false;
        }

        _approvals[id] = a with { LastPolledAt = polledAt };
        return true;
    }

    /// <summary>Raises the poll interval of the approval <paramref name="id"/> to <paramref name="seconds"/>, never lowering it; true when it changed.</summary>
    public bool RaisePollInterval(string id, int seconds)
    {
        if (!_approvals.TryGetValue(id, out var a) || a.PollIntervalSeconds >= seconds)
        {
            return false;
        }

        _approvals[id] = a with { PollIntervalSeconds = seconds };
        return true;
    }

    /// <summary>The state with every change applied.</summary>
    public InMemoryState ToState()
    {
        var audit = _audit;
        if (_auditEvents.Count > 0)
        {
            // The tail the commit started from: a prune in the batch removes records up to it, never past it.
            var records = AuditChain.Link(_start.Tail, _auditEvents);
            audit = audit.AddRange(records.Select((r, i) => r with { Columns = AuditIndexColumns.From(_auditEvents[i]) }));
        }

        return new InMemoryState
        {
            Audit = audit,
            PruneAnchor = _pruneAnchor,
            Revocations = _revocations.ToImmutable(),
            Keys = _keys.ToImmutable(),
            Runs = _runs.ToImmutable(),
            RateCounters = _rateCounters.ToImmutable(),
            Approvals = _approvals.ToImmutable(),
            Evidence = _evidence.ToImmutable(),
            DatabaseLeases = _leases.ToImmutable(),
            RegistrationEntries = _entries.ToImmutable(),
            Secrets = _secrets.ToImmutable(),
            RevocationCursors = _revocationCursors.ToImmutable(),
            LastRevocationCursor = _lastRevocationCursor,
        };
    }
}
