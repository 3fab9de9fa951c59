using Mandate.Core.Configuration;
using Mandate.Core.Exchange;
using Mandate.Core.Minting;

namespace Mandate.Core.Credentials;

/// <summary>
/// Mints the credential of one <see cref="CredentialKind"/> for an allowed exchange. An issuer records the
/// issuance durably before it sets <see cref="ExchangeContext.Response"/> (invariant 2: audit before
/// credential), and rejects with an OAuth error, leaving nothing usable behind, when it cannot.
/// Register one with <c>services.AddSingleton&lt;ICredentialIssuer, MyIssuer&gt;()</c>.
/// </summary>
public interface ICredentialIssuer
{
    /// <summary>The tool kind this issuer mints for.</summary>
    CredentialKind Kind { get; }

    /// <summary>Mints, records and responds (or rejects). <paramref name="claims"/> carry the decided jti, scopes, tenant, run and expiry.</summary>
    ValueTask IssueAsync(ExchangeContext context, CredentialClaims claims, CancellationToken cancellationToken);
}
