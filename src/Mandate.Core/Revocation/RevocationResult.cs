namespace Mandate.Core.Revocation;

/// <summary>
/// A revocation and whether it is durable yet. It is in force in this broker either way; when
/// <see cref="Recorded"/> is false the store was failing and it is written as soon as the store returns.
/// </summary>
public sealed record RevocationResult(Revocation Revocation, bool Recorded);
