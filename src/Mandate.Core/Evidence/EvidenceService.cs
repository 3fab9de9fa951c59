using Mandate.Core.Attestation;
using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;

namespace Mandate.Core.Evidence;

/// <summary>Records evidence from a trusted poster: persisted and audited in one commit.</summary>
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

    public async Task<EvidenceRecord> RecordAsync(WorkloadIdentity poster, EvidenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(poster);
        ArgumentNullException.ThrowIfNull(request);
        var record = new EvidenceRecord
        {
            Id = Ids.New("evd"),
            Kind = request.Kind!,
            Subject = request.Subject!,
            Result = request.Result!,
            Details = request.Details?.GetRawText(),
            PostedBy = poster.SpiffeId,
            Issuer = poster.Evidence.Issuer,
            PostedAt = _time.GetUtcNow(),
        };
        var audit = new AuditEvent
        {
            Kind = AuditKinds.EvidencePosted,
            Time = record.PostedAt,
            Outcome = record.Result,
            Agent = record.PostedBy,
            Reason = $"{record.Kind} {record.Result} for {record.Subject}",
            Node = _options.Node,
            Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["evidence_id"] = record.Id,
                ["evidence_kind"] = record.Kind,
                ["evidence_subject"] = record.Subject,
                ["poster_issuer"] = record.Issuer,
                ["poster_exp"] = poster.Evidence.ExpiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        await _trail.CommitAsync(new StoreBatch(audit, record), cancellationToken);
        return record;
    }
}
