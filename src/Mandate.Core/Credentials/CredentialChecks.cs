using Mandate.Core.Protocol;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;

namespace Mandate.Core.Credentials;

/// <summary>The refusals of the credential kinds when they mint: each a stable check id and its RFC 6749 §5.2 code.</summary>
public static class CredentialChecks
{
    /// <summary>A postgres tool's database could not create the login (unreachable, refused, or its admin connection is missing).</summary>
    public static readonly Check DatabaseUnavailable = new("issue.database_unavailable", E.TemporarilyUnavailable);

    /// <summary>An x509 tool was asked for while Mandate's SPIFFE CA is off.</summary>
    public static readonly Check SpiffeCaDisabled = new("issue.spiffe_ca_disabled", E.InvalidTarget);

    /// <summary>An x509 tool was asked for without a usable <c>mandate_csr</c> (missing, too long, not PEM or base64url).</summary>
    public static readonly Check CsrMissing = new("issue.csr_missing", E.InvalidRequest);

    /// <summary>The <c>mandate_csr</c> is not a PKCS#10 request signed by its own P-256 or P-384 key (no proof of possession).</summary>
    public static readonly Check CsrInvalid = new("issue.csr_invalid", E.InvalidRequest);

    /// <summary>The federation signing key could not be loaded or created in the store.</summary>
    public static readonly Check FederationKeyUnavailable = new("issue.federation_key_unavailable", E.TemporarilyUnavailable);

    /// <summary>An oidc-federation tool's subject template rendered an ID token <c>sub</c> that is empty, over 255 characters or not ASCII.</summary>
    public static readonly Check FederationSubjectInvalid = new("issue.federation_subject_invalid", E.InvalidTarget);
}
