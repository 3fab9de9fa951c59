using Mandate.Core.Credentials;

namespace Mandate.Core.Storage;

/// <summary>Database leases written with the audit record of the same issuance or drop.</summary>
public sealed partial record StoreBatch
{
    /// <summary>Leases to insert, or to move forward (to dropped) by role name.</summary>
    public IReadOnlyList<DatabaseLease> DatabaseLeases { get; init; } = [];
}
