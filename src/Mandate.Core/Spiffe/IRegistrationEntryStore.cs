namespace Mandate.Core.Spiffe;

/// <summary>
/// SPIFFE registration entries' reads (selectors → SPIFFE ID) for the workload endpoint. A committed batch
/// inserts one with a <see cref="RegistrationEntry"/> (an existing id fails the batch) and deletes one with a
/// <see cref="RegistrationEntryDeletion"/>.
/// </summary>
public interface IRegistrationEntryStore
{
    /// <summary>All registration entries, oldest first (created_at, then id).</summary>
    Task<IReadOnlyList<RegistrationEntry>> ListRegistrationEntriesAsync(CancellationToken cancellationToken);
}
