namespace Mandate.Core.Secrets;

/// <summary>
/// The vault's reads: tools' static secrets, sealed (see <see cref="StoredSecret"/>). A committed batch sets one
/// with a <see cref="StoredSecret"/> (replacing the tool's previous one) and removes one with a <see cref="SecretDeletion"/>.
/// </summary>
public interface ISecretStore
{
    /// <summary>The sealed secret of <paramref name="tool"/>, or null when none is set.</summary>
    Task<StoredSecret?> GetSecretAsync(string tool, CancellationToken cancellationToken);

    /// <summary>Metadata of every vaulted secret, by tool name; never the sealed value.</summary>
    Task<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken);
}
