using Mandate.Core.Configuration;
using Mandate.Core.Protocol;

namespace Mandate.Core.Credentials;

/// <summary>
/// Mints the credential of one <see cref="CredentialKind"/> for a request the policy allowed, and only returns
/// data: the credential, its token types, extra evidence, side rows and a compensating action. The Issue stage
/// writes the one issuance record with the side rows and releases the credential only after that commit
/// (invariant 2), so a kind never records or responds itself. Register one with
/// <c>AddMandate(...).AddCredentialKind&lt;T&gt;()</c>.
/// </summary>
public interface ICredentialKind
{
    /// <summary>The tool kind this mints for.</summary>
    CredentialKind Kind { get; }

    /// <summary>The RFC 8693 token type it issues (<c>issued_token_type</c>), which a caller may also name as <c>requested_token_type</c>.</summary>
    string IssuedTokenType { get; }

    /// <summary>Whether an approved request for a tool of this kind can be collected through the approval poll.</summary>
    bool IssuableAfterApproval { get; }

    /// <summary>Mints one credential for <paramref name="request"/>; refuses with a catalogued error when it cannot (nothing usable left behind).</summary>
    ValueTask<Result<MintedCredential>> MintAsync(CredentialRequest request, CancellationToken cancellationToken);
}
