using System.Text.Json;

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
    /// The event, or null when the payload is not one (a store edited by hand; <c>mandate audit verify</c> names the
    /// record): a listing shows such a record as unreadable instead of failing on it.
    /// </summary>
    public AuditEvent? TryReadEvent()
    {
        try
        {
            return Event;
        }
        catch (JsonException)
        {
            return null;
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The payload as JSON output shows it: the event object, or the raw payload as a JSON string when it is not JSON.</summary>
    public JsonElement PayloadJson()
    {
        try
        {
            using var document = JsonDocument.Parse(Payload);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(Payload);
        }
    }

    /// <summary>
    /// The index columns exactly as the store holds them beside the payload, or null when the record did
    /// not come from a store. <see cref="AuditVerifier"/> checks them against the payload, because a
    /// query answers from these columns and an edited column would hide or invent records.
    /// </summary>
    public AuditIndexColumns? Columns { get; init; }

    /// <summary>
    /// The store holds the record but not the shape it references (its shared part, deleted behind the store): its
    /// payload cannot be rebuilt, so it is read with an empty one, listed as unreadable, and
    /// <see cref="AuditVerifier"/> reports it.
    /// </summary>
    public bool MissingShape { get; init; }
}
