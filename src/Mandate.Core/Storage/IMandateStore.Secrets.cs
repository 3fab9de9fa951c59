using Mandate.Core.Secrets;

namespace Mandate.Core.Storage;

/// <summary>The vault: tools' static secrets, sealed (see <see cref="StoredSecret"/>). Written through <see cref="StoreBatch"/>.</summary>
public partial interface IMandateStore
{
    /// <summary>The sealed secret of <paramref name="tool"/>, or null when none is set.</summary>
    Task<StoredSecret?> GetSecretAsync(string tool, CancellationToken cancellationToken);

    /// <summary>Metadata of every vaulted secret, by tool name; never the sealed value.</summary>
    Task<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken);
}
