using Mandate.Core.Storage;

namespace Mandate.Core.Spiffe;

/// <summary>A change that deletes the registration entry <paramref name="Id"/>; an unknown id is ignored.</summary>
public sealed record RegistrationEntryDeletion(string Id) : IStoreChange;
