using System.Collections.Immutable;
using Mandate.Core.Approvals;
using Mandate.Core.Audit;
using Mandate.Core.Credentials;
using Mandate.Core.Evidence;
using Mandate.Core.Keys;
using Mandate.Core.Runs;
using Mandate.Core.Secrets;
using Mandate.Core.Spiffe;

namespace Mandate.Storage.InMemory;

/// <summary>
/// Everything the store holds, as one immutable value. A commit builds the next value and swaps it in only
/// when every change succeeded, which is what makes a batch all-or-nothing; readers take the current value
/// and see one committed snapshot without taking the lock.
/// </summary>
internal sealed record InMemoryState
{
    public static InMemoryState Empty { get; } = new();

    /// <summary>The audit chain in sequence order; each record carries its index columns.</summary>
    public ImmutableList<AuditRecord> Audit { get; init; } = [];

    public ImmutableDictionary<string, Core.Revocation.Revocation> Revocations { get; init; } = Table<Core.Revocation.Revocation>();
    public ImmutableDictionary<string, StoredKey> Keys { get; init; } = Table<StoredKey>();
    public ImmutableDictionary<string, RunRecord> Runs { get; init; } = Table<RunRecord>();
    public ImmutableDictionary<string, RateCounter> RateCounters { get; init; } = Table<RateCounter>();
    public ImmutableDictionary<string, Approval> Approvals { get; init; } = Table<Approval>();
    public ImmutableDictionary<string, EvidenceRecord> Evidence { get; init; } = Table<EvidenceRecord>();
    public ImmutableDictionary<string, DatabaseLease> DatabaseLeases { get; init; } = Table<DatabaseLease>();
    public ImmutableDictionary<string, RegistrationEntry> RegistrationEntries { get; init; } = Table<RegistrationEntry>();
    public ImmutableDictionary<string, StoredSecret> Secrets { get; init; } = Table<StoredSecret>();

    /// <summary>Each revocation's change cursor: taken when it was recorded, and again when it was lifted.</summary>
    public ImmutableDictionary<string, long> RevocationCursors { get; init; } = Table<long>();

    /// <summary>The last change cursor given out; the next change takes the one after it.</summary>
    public long LastRevocationCursor { get; init; }

    /// <summary>The newest prune anchor: the records up to it were archived and removed.</summary>
    public Core.Audit.Retention.AuditPruneAnchor? PruneAnchor { get; init; }

    /// <summary>Where the next audit record links on: the last record, else the prune anchor (everything was pruned).</summary>
    public AuditTail Tail => Audit.Count > 0 ? new AuditTail(Audit[^1].Sequence, Audit[^1].Hash) : PruneAnchor?.Tail ?? AuditTail.Genesis;

    // Keys compare like SQLite's default BINARY collation: byte for byte, case-sensitive.
    private static ImmutableDictionary<string, T> Table<T>() => ImmutableDictionary.Create<string, T>(StringComparer.Ordinal);
}

/// <summary>One rate-limit counter row.</summary>
internal readonly record struct RateCounter(long Count, DateTimeOffset KeepUntil);
