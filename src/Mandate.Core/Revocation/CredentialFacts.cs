namespace Mandate.Core.Revocation;

/// <summary>The parts of a credential a revocation can target.</summary>
public sealed record CredentialFacts(string Jti, string Agent, string Tenant, string Run, string? User, DateTimeOffset IssuedAt);
