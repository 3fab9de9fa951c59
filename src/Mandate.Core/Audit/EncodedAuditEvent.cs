using Mandate.Core.Storage;

namespace Mandate.Core.Audit;

/// <summary>
/// An audit event with the two serialisations a store needs, computed once: the canonical payload the chain
/// hashes and the compact form a store keeps. <see cref="AuditWriter"/> encodes on the caller's thread before
/// queueing, so its one group-commit loop only links hashes and inserts rows; every request encodes in parallel.
/// </summary>
public sealed class EncodedAuditEvent : IStoreChange
{
    private EncodedAuditEvent(AuditEvent e)
    {
        Event = e;
        var evidence = AuditCanonicalJson.OrderedEvidence(e.Evidence);
        Payload = AuditCanonicalJson.Serialize(e, evidence);
        Compact = AuditCompactForm.Split(e, evidence);
    }

    public AuditEvent Event { get; }

    /// <summary>The canonical JSON of <see cref="Event"/> (<see cref="AuditCanonicalJson"/>).</summary>
    public string Payload { get; }

    /// <summary>The shape and own fields a compact store writes (<see cref="AuditCompactForm"/>).</summary>
    public AuditCompactForm Compact { get; }

    public static EncodedAuditEvent Of(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new EncodedAuditEvent(e);
    }

    /// <summary><paramref name="batch"/> with every audit event encoded; the same batch when it holds none.</summary>
    public static StoreBatch EncodeAll(StoreBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var changes = batch.Changes;
        IStoreChange[]? encoded = null;
        for (var i = 0; i < changes.Count; i++)
        {
            if (changes[i] is AuditEvent e)
            {
                encoded ??= [.. changes];
                encoded[i] = new EncodedAuditEvent(e);
            }
        }

        return encoded is null ? batch : new StoreBatch(encoded);
    }
}
