using Mandate.Core.Storage;

namespace Mandate.Core.Secrets;

/// <summary>A change that deletes the vaulted secret of <paramref name="Tool"/>; nothing when it has none.</summary>
public sealed record SecretDeletion(string Tool) : IStoreChange;
