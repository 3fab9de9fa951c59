using Mandate.Core.Secrets;

namespace Mandate.Storage.Sqlite;

/// <summary>The vault's reads; writes go through <see cref="CommitAsync"/>.</summary>
public sealed partial class SqliteMandateStore
{
    public Task<StoredSecret?> GetSecretAsync(string tool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return ReadAsync("read a vaulted secret", c => SqliteSecretStore.GetAsync(c, tool, cancellationToken), cancellationToken);
    }

    public Task<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken) =>
        ReadAsync("list vaulted secrets", c => SqliteSecretStore.ListAsync(c, cancellationToken), cancellationToken);
}
