namespace Mandate.Core.Secrets;

/// <summary>What the admin API and the audit trail may say about a vaulted secret: never its value.</summary>
public sealed record SecretMetadata(string Tool, int Version, DateTimeOffset CreatedAt, string CreatedBy);
