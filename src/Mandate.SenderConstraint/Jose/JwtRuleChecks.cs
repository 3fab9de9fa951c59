namespace Mandate.SenderConstraint.Jose;

/// <summary>Stable ids of the rules <see cref="IncomingJwtRules"/> enforces; callers and tests switch on these, never on wording.</summary>
public static class JwtRuleChecks
{
    /// <summary>Header or payload is not a JSON object, or repeats a member name (RFC 7515 §4, RFC 7519 §4).</summary>
    public const string Malformed = "jose.malformed";

    /// <summary><c>crit</c> is not a non-empty array of distinct names of extension parameters present in the header (RFC 7515 §4.1.11).</summary>
    public const string CriticalMalformed = "jose.crit_malformed";

    /// <summary><c>crit</c> names an extension Mandate does not understand (RFC 7515 §4.1.11).</summary>
    public const string CriticalUnsupported = "jose.crit_unsupported";

    /// <summary><c>cty</c> is <c>JWT</c>: the payload would be a nested JWT, not a claims set (RFC 7519 §7.2 step 8).</summary>
    public const string NestedJwt = "jose.nested_jwt";

    /// <summary>A header parameter or claim has the wrong JSON type (RFC 7519 §2, §4.1; RFC 7515 §4.1).</summary>
    public const string ClaimType = "jose.claim_type";

    /// <summary>An identity value holds characters outside <see cref="IdentityText"/>.</summary>
    public const string IdentityText = "jose.identity_text";

    /// <summary><c>iat</c> lies in the future beyond the allowed clock skew (RFC 8725 §3.10 practice).</summary>
    public const string IssuedInFuture = "jose.iat_future";
}
