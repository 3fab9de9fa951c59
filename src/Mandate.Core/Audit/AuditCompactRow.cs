using System.Text.Json;

namespace Mandate.Core.Audit;

/// <summary>
/// One compact record as a store reads it back: its own columns and its shape's. <see cref="ToRecord"/> rebuilds the
/// canonical payload the chain covers and exposes the shape's filter columns for <see cref="AuditVerifier"/> to
/// compare with it. The shape's columns are null when the record's shape row is missing (deleted behind the store):
/// the record is still read, as <see cref="AuditRecord.MissingShape"/>, so readers never lose it.
/// </summary>
public sealed record AuditCompactRow(
    long Sequence,
    long TimeTicks,
    string? Kind,
    string? Outcome,
    string? Agent,
    string? Tenant,
    string? User,
    string? ShapeBody,
    string? OwnKeys,
    string? Run,
    string? Jti,
    string? DecisionId,
    string? TraceId,
    string? OwnValues,
    byte[] PreviousHash,
    byte[] Hash)
{
    public AuditRecord ToRecord()
    {
        if (ShapeBody is null || Kind is null || Outcome is null)
        {
            // No payload can be rebuilt: an empty one fails the hash, and the verifier names the missing shape first.
            return new AuditRecord(Sequence, "", Convert.ToHexStringLower(PreviousHash), Convert.ToHexStringLower(Hash)) { MissingShape = true };
        }

        var time = TimeTicks is >= 0 and <= 3155378975999999999 ? new DateTimeOffset(TimeTicks, TimeSpan.Zero) : DateTimeOffset.MinValue;
        string payload;
        try
        {
            payload = AuditCanonicalJson.Serialize(AuditCompactForm.Join(ShapeBody, OwnKeys, time, User, Run, Jti, DecisionId, TraceId, OwnValues));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // An edited shape or evidence column: the shape as stored stands in, so the hash check names the record.
            payload = ShapeBody;
        }

        return new AuditRecord(Sequence, payload, Convert.ToHexStringLower(PreviousHash), Convert.ToHexStringLower(Hash))
        {
            Columns = new AuditIndexColumns(AuditCanonicalJson.FormatTime(time), Kind, Outcome, Agent, Tenant, User, Run, Jti),
        };
    }
}
