using System.Globalization;
using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;
using Mandate.Policy.Expressions;

namespace Mandate.Core.Evidence;

/// <summary>
/// Records evidence from a trusted poster for a subject its issuer lets it vouch for: persisted and audited in one
/// commit, naming the evidence_subjects template that allowed it. A refusal is audited and stores nothing.
/// </summary>
public sealed class EvidenceService
{
    private readonly IUnitOfWork _trail;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;

    public EvidenceService(IUnitOfWork trail, MandateOptions options, TimeProvider time)
    {
        _trail = trail;
        _options = options;
        _time = time;
    }

    /// <summary>The record, or the refusal (<see cref="EvidenceChecks"/>) when the poster may not vouch for the subject.</summary>
    public async Task<Result<EvidenceRecord>> RecordAsync(EvidencePoster poster, EvidenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(poster);
        ArgumentNullException.ThrowIfNull(request);
        var identity = poster.Identity;
        if (Match(poster, request.Subject!).Failed(out var refusal, out var rule))
        {
            await _trail.CommitAsync(new StoreBatch(Audit(identity, request, "refused", refusal.Description) with
            {
                Evidence = new SortedDictionary<string, string>(Evidence(identity, request), StringComparer.Ordinal) { ["check"] = refusal.CheckId! },
            }), cancellationToken);
            return refusal;
        }

        var record = new EvidenceRecord
        {
            Id = Ids.New("evd"),
            Kind = request.Kind!,
            Subject = request.Subject!,
            Result = request.Result!,
            Details = request.Details?.GetRawText(),
            PostedBy = identity.SpiffeId,
            Issuer = identity.Evidence.Issuer,
            PostedAt = _time.GetUtcNow(),
        };
        var evidence = new SortedDictionary<string, string>(Evidence(identity, request), StringComparer.Ordinal)
        {
            ["evidence_id"] = record.Id,
            ["evidence_rule"] = rule,
        };
        var audit = Audit(identity, request, record.Result, $"{record.Kind} {record.Result} for {record.Subject}") with { Time = record.PostedAt, Evidence = evidence };
        await _trail.CommitAsync(new StoreBatch(audit, record), cancellationToken);
        return record;
    }

    /// <summary>
    /// The first evidence_subjects template that allows <paramref name="subject"/> for the poster's token, or the refusal:
    /// the claim a template reads that the token lacks (fail closed), else the subject allowed by none.
    /// </summary>
    private static Result<string> Match(EvidencePoster poster, string subject)
    {
        var issuer = poster.Identity.Evidence.IssuerName;
        string? missing = null;
        foreach (var text in poster.SubjectTemplates)
        {
            // Each was checked at start; one that no longer parses allows nothing.
            if (EvidenceSubjectTemplate.TryParse(text, out var template, out _))
            {
                if (template!.Matches(subject, poster.Claims.GetValueOrDefault, out var failed))
                {
                    return text;
                }

                missing ??= failed;
            }
        }

        return missing is not null
            ? EvidenceChecks.SubjectClaimMissing.Refuse($"the bearer token's claim '{missing}' is missing or is not a subject-safe string (printable, no spaces, no '*'), "
                + $"and issuer '{issuer}' builds the subjects it may vouch for from it (issuers[].evidence_subjects); post with a token that carries it, or change the issuer's evidence_subjects")
            : EvidenceChecks.SubjectNotAllowed.Refuse($"subject {CelValues.Format(subject)} is not one issuer '{issuer}' lets this token vouch for "
                + $"(issuers[].evidence_subjects: {string.Join(", ", poster.SubjectTemplates)}); post evidence only for the change this job checked, or add a template to the issuer's evidence_subjects");
    }

    private AuditEvent Audit(WorkloadIdentity poster, EvidenceRequest request, string outcome, string reason) => new()
    {
        Kind = AuditKinds.EvidencePosted,
        Time = _time.GetUtcNow(),
        Outcome = outcome,
        Agent = poster.SpiffeId,
        Reason = reason,
        Node = _options.Node,
    };

    /// <summary>What a posting rests on, accepted or refused: the fact's kind and subject, and the poster's issuer and expiry.</summary>
    private static Dictionary<string, string> Evidence(WorkloadIdentity poster, EvidenceRequest request) => new(StringComparer.Ordinal)
    {
        ["evidence_kind"] = request.Kind!,
        ["evidence_subject"] = request.Subject!,
        ["poster_issuer"] = poster.Evidence.Issuer,
        ["poster_exp"] = poster.Evidence.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
    };
}
