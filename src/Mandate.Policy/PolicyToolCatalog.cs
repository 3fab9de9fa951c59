namespace Mandate.Policy;

/// <summary>
/// The configured tools a policy is checked against: every tool's name, and the tools whose credentials cannot be
/// bound to the caller's key (a database password, a cloud provider's token), by name with their kind.
/// </summary>
public sealed record PolicyToolCatalog(IReadOnlySet<string> Names, IReadOnlyDictionary<string, string> Unbindable);
