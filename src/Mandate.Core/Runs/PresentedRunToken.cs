namespace Mandate.Core.Runs;

/// <summary>A verified run token and the run record it belongs to.</summary>
public sealed record PresentedRunToken(RunRecord Run, string Jti, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);
