namespace Mandate.ResourceServer;

/// <summary>
/// Claim types on the principal the handler builds, spelled as in the credential (docs/token-format.md).
/// Read them through <see cref="MandatePrincipalExtensions"/>.
/// </summary>
public static class MandateClaimTypes
{
    /// <summary>The user the agent acts for; the agent itself for background work.</summary>
    public const string Subject = "sub";

    /// <summary>The agent's SPIFFE ID.</summary>
    public const string Agent = "client_id";

    /// <summary>The tenant the credential is valid in.</summary>
    public const string Tenant = "tenant";

    /// <summary>The agent invocation (run id).</summary>
    public const string Run = "run";

    /// <summary>One granted operation; the principal carries one claim per scope value.</summary>
    public const string Scope = "scope";

    /// <summary>The credential id; the only form in which a credential may be logged.</summary>
    public const string CredentialId = "jti";

    /// <summary>One link of the delegation chain, acting party first (RFC 8693 §4.1 <c>act</c>), in order.</summary>
    public const string Actor = "act";

    /// <summary>The policy version that allowed the credential.</summary>
    public const string PolicyVersion = "pol";

    /// <summary>The broker's decision id (<c>mandate audit query</c> finds it).</summary>
    public const string DecisionId = "dec";

    /// <summary>How the credential was bound: <c>bearer</c>, <c>mtls</c> or <c>dpop</c>; <c>x509</c> when the credential is a tool credential certificate.</summary>
    public const string Binding = "mandate_binding";
}
