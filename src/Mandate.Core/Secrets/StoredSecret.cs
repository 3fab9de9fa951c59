using Mandate.Core.Storage;

namespace Mandate.Core.Secrets;

/// <summary>
/// A tool's vaulted secret as stored: AES-256-GCM under the key-encryption key, with the tool name as
/// associated data so a row moved to another tool fails to open. The plaintext is never stored.
/// </summary>
public sealed record StoredSecret : IStoreChange
{
    public required string Tool { get; init; }

    /// <summary>1 for the first value set, one more for each replacement.</summary>
    public required int Version { get; init; }

    public required byte[] Nonce { get; init; }
    public required byte[] Tag { get; init; }
    public required byte[] Ciphertext { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Who set it, e.g. <c>admin:alice</c>.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>What may be shown about it: everything but the sealed value.</summary>
    public SecretMetadata Metadata => new(Tool, Version, CreatedAt, CreatedBy);
}
