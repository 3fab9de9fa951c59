namespace Mandate.Core.Audit;

/// <summary>
/// A chained audit record as stored. <see cref="Payload"/> is the canonical JSON of the event and is
/// what <see cref="Hash"/> covers (with <see cref="Sequence"/> and <see cref="PreviousHash"/>), so a
/// verifier needs nothing but the stored rows.
/// </summary>
public sealed record AuditRecord(long Sequence, string Payload, string PreviousHash, string Hash)
{
    /// <summary>The event this record holds, parsed from <see cref="Payload"/>.</summary>
    public AuditEvent Event => AuditCanonicalJson.Parse(Payload);
}
