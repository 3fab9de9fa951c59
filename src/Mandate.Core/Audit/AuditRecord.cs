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

    /// <summary>
    /// The index columns exactly as the store holds them beside the payload, or null when the record did
    /// not come from a store. <see cref="AuditVerifier"/> checks them against the payload, because a
    /// query answers from these columns and an edited column would hide or invent records.
    /// </summary>
    public AuditIndexColumns? Columns { get; init; }
}
