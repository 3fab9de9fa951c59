using System.Globalization;
using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.Core.Revocation;
using Mandate.Core.Spiffe;
using Mandate.Core.Storage;

namespace Mandate.Server.WorkloadApi;

/// <summary>
/// Attests a workload-endpoint caller (kernel peer credentials → executable path and hash) and finds its
/// registration entry; records every issuance and every refusal in the audit trail.
/// </summary>
internal sealed class WorkloadAttestation
{
    private readonly UnixProcessAttestor _attestor;
    private readonly IMandateStore _store;
    private readonly IUnitOfWork _audit;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;
    private readonly RevocationList _revocations;

    public WorkloadAttestation(UnixProcessAttestor attestor, IMandateStore store, IUnitOfWork audit, MandateOptions options, TimeProvider time, RevocationList revocations)
    {
        _revocations = revocations;
        _attestor = attestor;
        _store = store;
        _audit = audit;
        _options = options;
        _time = time;
    }

    public async Task<WorkloadCaller> AttestAsync(WorkloadConnection connection, CancellationToken cancellationToken)
    {
        if (connection.Peer is not { } peer)
        {
            return new WorkloadCaller(null, null, null, connection.Failure ?? "the caller's peer credentials are unavailable");
        }

        var process = _attestor.Attest(peer.Pid, peer.Uid, peer.Gid, out var failure);
        if (process is null)
        {
            return new WorkloadCaller(peer, null, null, failure);
        }

        // An entry stored under an earlier trust_domain names an ID this CA must not sign: it never matches.
        var entries = await _store.ListRegistrationEntriesAsync(cancellationToken);
        if (EntryMatcher.Match(entries.Where(InTrustDomain), process) is { } entry)
        {
            // Kill switch: a disabled agent gets nothing new until it is enabled, its identity included; an SVID would
            // still open every tool that trusts this trust domain's bundle directly (mTLS, JWT-SVID audiences).
            return _revocations.DisabledBy(entry.SpiffeId) is { } disabled
                ? new WorkloadCaller(peer, process, entry,
                    $"agent '{entry.SpiffeId}' is disabled (revocation {disabled.Id}); no SVID is issued for it until an operator re-enables it with 'mandate agents enable'")
                { CheckId = Core.Attestation.AttestChecks.AgentDisabled.Id }
                : new WorkloadCaller(peer, process, entry, null);
        }

        var stale = EntryMatcher.Match(entries.Where(e => !InTrustDomain(e)), process);
        return new WorkloadCaller(peer, process, null, stale is null
            ? $"no registration entry matches this process ({process.Describe()}); {RegistrationHint.For(process, _options.TrustDomain)}"
            : $"registration entry {stale.Id} matches this process ({process.Describe()}) but names {stale.SpiffeId}, outside the trust domain '{_options.TrustDomain}'; " +
              $"delete it with `mandate entries delete {stale.Id}` and create one for spiffe://{_options.TrustDomain}/<path>");
    }

    private bool InTrustDomain(RegistrationEntry entry) =>
        SpiffeId.TryGetWorkloadTrustDomain(entry.SpiffeId, out var td) && td == _options.TrustDomain;

    /// <summary>Records a refusal (nothing was issued).</summary>
    public Task RecordRefusalAsync(WorkloadCaller caller, string svidType, CancellationToken cancellationToken) =>
        _audit.CommitAsync(new StoreBatch(Event(caller, svidType, "refused", null, null, caller.Refusal)), cancellationToken);

    /// <summary>
    /// Records that <c>ValidateJWTSVID</c> refused a genuine JWT-SVID because a revocation covers it: attributed to the
    /// SVID's agent and jti, with the validating caller's peer credentials and the audience it validated for.
    /// </summary>
    public Task RecordValidationRefusalAsync(PeerCredentials? validator, string agent, string? jti, string audience, string reason, CancellationToken cancellationToken)
    {
        var refusal = Event(new WorkloadCaller(validator, null, null, reason), "jwt", "refused", jti, new Dictionary<string, string>
        {
            ["operation"] = "validate",
            ["audience"] = audience,
        }, reason) with { Agent = agent };
        return _audit.CommitAsync(new StoreBatch(refusal), cancellationToken);
    }

    /// <summary>Records an issuance; must complete before the SVID leaves the process.</summary>
    public Task RecordIssuanceAsync(WorkloadCaller caller, string svidType, string? jti, IDictionary<string, string> details, CancellationToken cancellationToken) =>
        _audit.CommitAsync(new StoreBatch(Event(caller, svidType, "issued", jti, details, null)), cancellationToken);

    private AuditEvent Event(WorkloadCaller caller, string svidType, string outcome, string? jti, IDictionary<string, string>? details, string? reason)
    {
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["svid_type"] = svidType };
        if (caller.Peer is { } peer)
        {
            evidence["pid"] = peer.Pid.ToString(CultureInfo.InvariantCulture);
            evidence["uid"] = peer.Uid.ToString(CultureInfo.InvariantCulture);
            evidence["gid"] = peer.Gid.ToString(CultureInfo.InvariantCulture);
        }

        if (caller.Process is { } p)
        {
            evidence["exe_path"] = p.ExecutablePath ?? "";
            evidence["exe_sha256"] = p.ExecutableSha256 ?? "";
        }

        if (caller.Entry is { } entry)
        {
            evidence["entry"] = entry.Id;
        }

        foreach (var (k, v) in details ?? new Dictionary<string, string>())
        {
            evidence[k] = v;
        }

        return new AuditEvent
        {
            Kind = SpiffeAuditKinds.Svid,
            Time = _time.GetUtcNow(),
            Outcome = outcome,
            Agent = caller.Entry?.SpiffeId,
            Jti = jti,
            Reason = reason,
            Node = _options.Node,
            Evidence = evidence,
        };
    }
}
