using Mandate.Core.Credentials;
using Mandate.Core.Secrets;
using Mandate.Core.Spiffe;

namespace Mandate.Storage.Postgres;

/// <summary>Registration entries, database leases and the vault's reads; writes go through <see cref="CommitAsync"/>.</summary>
public sealed partial class PostgresMandateStore
{
    public Task<IReadOnlyList<RegistrationEntry>> ListRegistrationEntriesAsync(CancellationToken cancellationToken) =>
        ReadAsync("list registration entries", c => PostgresEntrySql.ListEntriesAsync(c, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<DatabaseLease>> ListDatabaseLeasesAsync(bool liveOnly, CancellationToken cancellationToken) =>
        ReadAsync("list database leases", c => PostgresEntrySql.ListLeasesAsync(c, liveOnly, cancellationToken), cancellationToken);

    public Task<StoredSecret?> GetSecretAsync(string tool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return ReadAsync("read a vaulted secret", c => PostgresVaultSql.GetAsync(c, tool, cancellationToken), cancellationToken);
    }

    public Task<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken) =>
        ReadAsync("list vaulted secrets", c => PostgresVaultSql.ListAsync(c, cancellationToken), cancellationToken);
}
