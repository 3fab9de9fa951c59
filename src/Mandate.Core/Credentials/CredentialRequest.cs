using Mandate.Core.Configuration;
using Mandate.Core.Minting;

namespace Mandate.Core.Credentials;

/// <summary>What a credential kind mints for: the decided claims (jti, subject, scopes, tenant, run, expiry, cnf) and the tool.</summary>
public sealed record CredentialRequest(CredentialClaims Claims, ToolOptions Tool)
{
    /// <summary>The user the credential acts for, or null for an agent's background work.</summary>
    public string? User { get; init; }

    /// <summary>The token request's parameters, for a kind's own parameter (e.g. a certificate request); empty after an approval.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
}
