using Mandate.Core.Spiffe;

namespace Mandate.Core.Storage;

/// <summary>SPIFFE registration entries (selectors → SPIFFE ID) for the workload endpoint.</summary>
public partial interface IMandateStore
{
    /// <summary>All registration entries, oldest first (created_at, then id).</summary>
    Task<IReadOnlyList<RegistrationEntry>> ListRegistrationEntriesAsync(CancellationToken cancellationToken);
}
