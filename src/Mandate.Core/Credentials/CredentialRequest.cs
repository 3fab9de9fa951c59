using Mandate.Core.Configuration;
using Mandate.Core.Minting;

namespace Mandate.Core.Credentials;

/// <summary>What a credential kind mints for: the decided claims (jti, subject, scopes, tenant, run, expiry, cnf) and the tool.</summary>
public sealed record CredentialRequest(CredentialClaims Claims, ToolOptions Tool)
{
    /// <summary>The user the credential acts for, or null for an agent's background work.</summary>
    public string? User { get; init; }

    /// <summary>The PKCS#10 certificate request the agent sent in <c>mandate_csr</c> (PEM or base64url DER), for kinds that certify the caller's own key; null when absent.</summary>
    public string? Csr { get; init; }
}
