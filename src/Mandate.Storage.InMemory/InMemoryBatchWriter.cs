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
internal sealed class InMemoryBatchWriter
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
    private readonly List<AuditEvent> _auditEvents = [];

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

    /// <summary>Records a poll of the approval <paramref name="id"/>; an unknown id changes nothing.</summary>
    public void TouchApproval(string id, DateTimeOffset polledAt)
    {
        if (_approvals.TryGetValue(id, out var a))
        {
            _approvals[id] = a with { LastPolledAt = polledAt };
        }
    }

    /// <summary>The state with every change applied.</summary>
    public InMemoryState ToState()
    {
        var audit = _start.Audit;
        if (_auditEvents.Count > 0)
        {
            var records = AuditChain.Link(_start.Tail, _auditEvents);
            audit = audit.AddRange(records.Select((r, i) => r with { Columns = AuditIndexColumns.From(_auditEvents[i]) }));
        }

        return new InMemoryState
        {
            Audit = audit,
            Revocations = _revocations.ToImmutable(),
            Keys = _keys.ToImmutable(),
            Runs = _runs.ToImmutable(),
            RateCounters = _rateCounters.ToImmutable(),
            Approvals = _approvals.ToImmutable(),
            Evidence = _evidence.ToImmutable(),
            DatabaseLeases = _leases.ToImmutable(),
            RegistrationEntries = _entries.ToImmutable(),
            Secrets = _secrets.ToImmutable(),
        };
    }

    private void WriteRevocation(Core.Revocation.Revocation r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (!Enum.IsDefined(r.Target))
        {
            throw new ArgumentOutOfRangeException(nameof(r), r.Target, "Unknown revocation target.");
        }

        Required(r.Id, "revocations.id");
        Required(r.Value, "revocations.value");
        Required(r.RevokedBy, "revocations.revoked_by");

        // Revocations are immutable facts; only lifting an agent's kill switch (with its retention) may change later.
        if (!_revocations.TryGetValue(r.Id, out var existing))
        {
            _revocations[r.Id] = r;
        }
        else if (existing.LiftedAt is null)
        {
            _revocations[r.Id] = existing with { LiftedAt = r.LiftedAt, KeepUntil = r.KeepUntil };
        }
    }

    private void WriteKey(StoredKey k)
    {
        ArgumentNullException.ThrowIfNull(k);
        Required(k.Kid, "keys.kid");
        Required(k.Purpose, "keys.purpose");
        Required(k.Algorithm, "keys.algorithm");
        Required(k.SealedPrivateKey, "keys.sealed_private_key");
        Required(k.PublicJwk, "keys.public_jwk");
        Required(k.Node, "keys.node");
        _keys[k.Kid] = k with { SealedPrivateKey = [.. k.SealedPrivateKey] };
    }

    private void WriteRateIncrement(RateIncrement increment)
    {
        ArgumentNullException.ThrowIfNull(increment);
        Required(increment.Key, "rate_counters.key");

        // The window's retention is set by its first increment.
        _rateCounters[increment.Key] = _rateCounters.TryGetValue(increment.Key, out var counter)
            ? counter with { Count = counter.Count + 1 }
            : new RateCounter(1, increment.KeepUntil);
    }

    private void WriteApproval(Approval a)
    {
        ArgumentNullException.ThrowIfNull(a);
        Required(a.Id, "approvals.id");
        Required(a.Agent, "approvals.agent");
        Required(a.Run, "approvals.run");
        Required(a.Tool, "approvals.tool");
        Required(a.Tenant, "approvals.tenant");
        Required(a.Scope, "approvals.scope");
        Required(a.AuthorizationDetails, "approvals.authorization_details");
        Required(a.BindingHash, "approvals.binding_hash");
        Required(a.BindingMessage, "approvals.binding_message");
        Required(a.Rule, "approvals.rule");
        Required(a.PolicyVersion, "approvals.policy_version");
        Required(a.DecisionId, "approvals.decision_id");
        Unique(_approvals.ContainsKey(a.Id), "approvals.id");

        // A new approval has not been polled or decided: those columns are only ever set by later updates.
        _approvals[a.Id] = a with { LastPolledAt = null, Approver = null, DecidedReason = null, DecidedAt = null, Jti = null };
    }

    private void WriteEvidence(EvidenceRecord e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Required(e.Id, "evidence.id");
        Required(e.Kind, "evidence.kind");
        Required(e.Subject, "evidence.subject");
        Required(e.Result, "evidence.result");
        Required(e.PostedBy, "evidence.posted_by");
        Required(e.Issuer, "evidence.issuer");
        Unique(_evidence.ContainsKey(e.Id), "evidence.id");
        _evidence[e.Id] = e;
    }

    private void WriteSecret(StoredSecret s)
    {
        ArgumentNullException.ThrowIfNull(s);
        Required(s.Tool, "secrets.tool");
        Required(s.Nonce, "secrets.nonce");
        Required(s.Tag, "secrets.tag");
        Required(s.Ciphertext, "secrets.ciphertext");
        Required(s.CreatedBy, "secrets.created_by");
        Check(s.Version >= 1, "version >= 1");
        Check(s.Nonce.Length == 12, "length(nonce) = 12");
        Check(s.Tag.Length == 16, "length(tag) = 16");
        _secrets[s.Tool] = s with { Nonce = [.. s.Nonce], Tag = [.. s.Tag], Ciphertext = [.. s.Ciphertext] };
    }

    private void WriteRun(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Required(run.Id, "runs.id");
        Required(run.Lineage, "runs.lineage");
        Required(run.Agent, "runs.agent");
        Required(run.Tenant, "runs.tenant");
        Required(run.Envelope, "runs.envelope");
        Required(run.DecisionId, "runs.decision_id");
        Required(run.PolicyVersion, "runs.policy_version");
        Required(run.Node, "runs.node");

        // A run's facts are fixed when it starts; a later write can only end it.
        _runs[run.Id] = _runs.TryGetValue(run.Id, out var existing)
            ? existing with { EndedAt = run.EndedAt, EndedBy = run.EndedBy, EndReason = run.EndReason }
            : run with { Actors = run.Actors is null ? [] : [.. run.Actors] };
    }

    private void WriteLease(DatabaseLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        Required(lease.Role, "database_leases.role");
        Required(lease.Tool, "database_leases.tool");
        Required(lease.Jti, "database_leases.jti");
        Required(lease.Run, "database_leases.run");
        Required(lease.Tenant, "database_leases.tenant");
        Required(lease.Agent, "database_leases.agent");

        // A lease only moves forward: once dropped, a late or repeated write cannot bring it back.
        if (!_leases.TryGetValue(lease.Role, out var existing))
        {
            _leases[lease.Role] = lease;
        }
        else if (existing.State != DatabaseLeaseState.Dropped)
        {
            _leases[lease.Role] = existing with { State = lease.State, DroppedAt = lease.DroppedAt, DropReason = lease.DropReason };
        }
    }

    private void WriteEntry(RegistrationEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Required(entry.Id, "registration_entries.id");
        Required(entry.SpiffeId, "registration_entries.spiffe_id");
        Required(entry.Selectors, "registration_entries.selectors");
        Unique(_entries.ContainsKey(entry.Id), "registration_entries.id");

        // Stored TTLs are whole seconds, as in the SQLite table.
        _entries[entry.Id] = entry with
        {
            Selectors = [.. entry.Selectors],
            X509Ttl = WholeSeconds(entry.X509Ttl),
            JwtTtl = WholeSeconds(entry.JwtTtl),
        };
    }

    private static TimeSpan? WholeSeconds(TimeSpan? value) =>
        value is { } v ? TimeSpan.FromSeconds((long)v.TotalSeconds) : null;

    private T Required<T>(T? value, string column)
        where T : class
    {
        if (value is null)
        {
            throw Fail($"NOT NULL constraint failed: {column}");
        }

        return value;
    }

    private void Unique(bool exists, string column)
    {
        if (exists)
        {
            throw Fail($"UNIQUE constraint failed: {column}");
        }
    }

    private void Check(bool holds, string condition)
    {
        if (!holds)
        {
            throw Fail($"CHECK constraint failed: {condition}");
        }
    }

    private StoreUnavailableException Fail(string constraint) =>
        new($"The store {_description} could not commit a batch: {constraint}. Nothing of the batch was written.", StoreFailureCause.Unknown);
}
