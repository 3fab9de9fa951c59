using Mandate.Core.Audit;
using Mandate.Core.Keys;

namespace Mandate.Core.Storage;

/// <summary>
/// Writes that must become durable together: audit events (chained in order), revocations, key
/// changes and runs. A batch commits entirely or not at all.
/// </summary>
public sealed partial record StoreBatch
{
    public IReadOnlyList<AuditEvent> AuditEvents { get; init; } = [];
    public IReadOnlyList<Revocation.Revocation> Revocations { get; init; } = [];

    /// <summary>Keys to insert, or to replace by <see cref="StoredKey.Kid"/> (e.g. to retire).</summary>
    public IReadOnlyList<StoredKey> Keys { get; init; } = [];

    /// <summary>Runs to insert, or to replace by id (e.g. to end).</summary>
    public IReadOnlyList<Runs.RunRecord> Runs { get; init; } = [];

    /// <summary>Concatenates batches so one transaction can carry many requests' writes (group commit).</summary>
    public static StoreBatch Combine(IReadOnlyList<StoreBatch> batches)
    {
        if (batches.Count == 1)
        {
            return batches[0];
        }

        return new StoreBatch
        {
            AuditEvents = batches.SelectMany(b => b.AuditEvents).ToList(),
            Revocations = batches.SelectMany(b => b.Revocations).ToList(),
            Keys = batches.SelectMany(b => b.Keys).ToList(),
            RateIncrements = batches.SelectMany(b => b.RateIncrements).ToList(),
            Approvals = batches.SelectMany(b => b.Approvals).ToList(),
            Evidence = batches.SelectMany(b => b.Evidence).ToList(),
            Runs = batches.SelectMany(b => b.Runs).ToList(),
            DatabaseLeases = batches.SelectMany(b => b.DatabaseLeases).ToList(),
            RegistrationEntries = batches.SelectMany(b => b.RegistrationEntries).ToList(),
            DeletedRegistrationEntries = batches.SelectMany(b => b.DeletedRegistrationEntries).ToList(),
            Secrets = batches.SelectMany(b => b.Secrets).ToList(),
            DeletedSecrets = batches.SelectMany(b => b.DeletedSecrets).ToList(),
        };
    }
}
