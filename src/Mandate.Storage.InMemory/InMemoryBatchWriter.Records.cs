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

/// <summary>Each record type's write, with the constraints SQLite's schema enforces (required columns, uniqueness, checks).</summary>
internal sealed partial class InMemoryBatchWriter
{
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
        // A new revocation and a lift take the next change cursor; a retry changes no cursor.
        if (!_revocations.TryGetValue(r.Id, out var existing))
        {
            _revocations[r.Id] = r;
            _revocationCursors[r.Id] = ++_lastRevocationCursor;
        }
        else if (existing.LiftedAt is null)
        {
            _revocations[r.Id] = existing with { LiftedAt = r.LiftedAt, KeepUntil = r.KeepUntil };
            if (r.LiftedAt is not null)
            {
                _revocationCursors[r.Id] = ++_lastRevocationCursor;
            }
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
        _approvals[a.Id] = a with { LastPolledAt = null, PollIntervalSeconds = null, Approver = null, DecidedReason = null, DecidedAt = null, Jti = null };
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

    /// <summary>The SQL stores' rules for a prune anchor: past the previous one, on a record the chain holds; then the records up to it go.</summary>
    private void Prune(Core.Audit.Retention.AuditPruneAnchor anchor)
    {
        Required(anchor.Checkpoint, "audit_anchors.checkpoint");
        Required(anchor.Archive, "audit_anchors.archive");
        if (anchor.Sequence <= (_pruneAnchor?.Sequence ?? 0))
        {
            throw Fail("audit prune refused: records up to this sequence are already archived");
        }

        if (!_audit.Exists(r => r.Sequence == anchor.Sequence && r.Hash == anchor.Hash))
        {
            throw Fail("audit prune refused: the store holds no record with the anchor's sequence and hash");
        }

        _audit = _audit.RemoveAll(r => r.Sequence <= anchor.Sequence);
        _pruneAnchor = anchor;
    }

    private void Check(bool holds, string condition)
    {
        if (!holds)
        {
            throw Fail($"CHECK constraint failed: {condition}");
        }
    }

    private StoreUnavailableException Fail(string constraint) =>
        new($"The store {_description} could not commit a batch: {constraint}. Nothing of the batch was written.", StoreFailureCause.Rejected);
}
