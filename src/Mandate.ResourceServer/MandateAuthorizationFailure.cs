using Microsoft.AspNetCore.Authorization;

namespace Mandate.ResourceServer;

/// <summary>A Mandate requirement's refusal: the description for <c>error_description</c>, and the scope the endpoint needs (if any).</summary>
public sealed class MandateAuthorizationFailure : AuthorizationFailureReason
{
    /// <summary>A refusal by <paramref name="handler"/>.</summary>
    public MandateAuthorizationFailure(IAuthorizationHandler handler, string message, string? scope)
        : base(handler, message) => Scope = scope;

    /// <summary>RFC 6750 §3 <c>scope</c> attribute: what the endpoint needs; null for a tenant refusal.</summary>
    public string? Scope { get; }
}
