namespace Mandate.Server.Tests.AuditStream;

/// <summary>One parsed record line of the audit stream; <see cref="Event"/> is the raw text of its <c>event</c> member.</summary>
public sealed record StreamedRecord(long Sequence, string PreviousHash, string Hash, string Event);
