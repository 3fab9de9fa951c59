namespace Mandate.Core.Keys;

/// <summary>Keys' reads; a <see cref="StoredKey"/> in a committed batch is inserted, or replaces the key with its kid.</summary>
public interface IKeyStore
{
    /// <summary>All keys of a purpose, oldest first.</summary>
    Task<IReadOnlyList<StoredKey>> ListKeysAsync(string purpose, CancellationToken cancellationToken);
}
