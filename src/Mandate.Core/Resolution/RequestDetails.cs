namespace Mandate.Core.Resolution;

/// <summary>Validated RFC 9396 authorization_details (expression values; empty when none) and the <c>evidence_subject</c>.</summary>
public sealed record RequestDetails(IReadOnlyList<object?> AuthorizationDetails, string? EvidenceSubject)
{
    /// <summary>No details and no evidence subject.</summary>
    public static RequestDetails None { get; } = new([], null);
}
