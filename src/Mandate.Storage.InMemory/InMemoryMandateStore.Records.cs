using Mandate.Core.Credentials;
using Mandate.Core.Secrets;
using Mandate.Core.Spiffe;

namespace Mandate.Storage.InMemory;

/// <summary>Registration entries, database leases and the vault.</summary>
public sealed partial class InMemoryMandateStore
{
    public Task<IReadOnlyList<RegistrationEntry>> ListRegistrationEntriesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<RegistrationEntry> entries = Read("list registration entries").RegistrationEntries.Values
            .OrderBy(e => e.CreatedAt.UtcTicks).ThenBy(e => e.Id, StringComparer.Ordinal)
            .Select(e => e with { Selectors = [.. e.Selectors] })
            .ToList();
        return Task.FromResult(entries);
    }

    public Task<IReadOnlyList<DatabaseLease>> ListDatabaseLeasesAsync(bool liveOnly, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<DatabaseLease> leases = Read("list database leases").DatabaseLeases.Values
            .Where(l => !liveOnly || l.State == DatabaseLeaseState.Active)
            .OrderBy(l => l.IssuedAt.UtcTicks).ThenBy(l => l.Role, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(leases);
    }

    public Task<StoredSecret?> GetSecretAsync(string tool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tool);
        cancellationToken.ThrowIfCancellationRequested();
        var secret = Read("read a vaulted secret").Secrets.GetValueOrDefault(tool);

        // Copies, so a caller that wipes its buffers after use cannot wipe the stored secret.
        return Task.FromResult(secret is null ? null : secret with { Nonce = [.. secret.Nonce], Tag = [.. secret.Tag], Ciphertext = [.. secret.Ciphertext] });
    }

    public Task<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<SecretMetadata> list = Read("list vaulted secrets").Secrets.Values
            .OrderBy(s => s.Tool, StringComparer.Ordinal)
            .Select(s => s.Metadata)
            .ToList();
        return Task.FromResult(list);
    }
}
