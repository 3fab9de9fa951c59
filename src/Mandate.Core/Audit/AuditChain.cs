using System.Globalization;
using Mandate.Core.Protocol;

namespace Mandate.Core.Audit;

/// <summary>The last record of the chain: where the next one links on.</summary>
public readonly record struct AuditTail(long Sequence, string Hash)
{
    /// <summary>The tail of an empty log.</summary>
    public static AuditTail Genesis { get; } = new(0, AuditChain.GenesisHash);
}

/// <summary>
/// Hash chain over audit records: hash = SHA-256(sequence ‖ previous hash ‖ canonical payload).
/// Editing, deleting or reordering any record breaks every hash after it.
/// </summary>
public static class AuditChain
{
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>Chains <paramref name="events"/> after <paramref name="tail"/>, in order.</summary>
    public static IReadOnlyList<AuditRecord> Link(AuditTail tail, IReadOnlyList<AuditEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return Link(tail, events.Select(EncodedAuditEvent.Of).ToList());
    }

    /// <summary>Chains already encoded events after <paramref name="tail"/>, in order: one hash each, no serialising.</summary>
    public static IReadOnlyList<AuditRecord> Link(AuditTail tail, IReadOnlyList<EncodedAuditEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var records = new List<AuditRecord>(events.Count);
        var (sequence, previous) = (tail.Sequence, tail.Hash);
        foreach (var e in events)
        {
            sequence++;
            var hash = ComputeHash(sequence, previous, e.Payload);
            records.Add(new AuditRecord(sequence, e.Payload, previous, hash));
            previous = hash;
        }

        return records;
    }

    public static string ComputeHash(long sequence, string previousHash, string payload) =>
        TextHash.Sha256Hex(sequence.ToString(CultureInfo.InvariantCulture), previousHash, payload);
}
