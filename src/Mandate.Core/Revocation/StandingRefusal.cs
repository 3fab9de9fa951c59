namespace Mandate.Core.Revocation;

/// <summary>Why a principal is no longer allowed: a <see cref="StandingChecks"/> id, a client-safe description, and the revocation if one caused it.</summary>
public sealed record StandingRefusal(string CheckId, string Description, Revocation? Revocation = null);
