using Mandate.Core.Minting;
using Mandate.Core.Storage;

namespace Mandate.Core.Credentials;

/// <summary>
/// A credential a kind minted but that has not left the broker: the Issue stage commits its issuance record
/// (with <see cref="Evidence"/> and <see cref="SideRows"/>) first, and runs <see cref="Compensate"/> instead of
/// releasing it when that commit fails or the caller is gone.
/// </summary>
public sealed record MintedCredential
{
    /// <summary>The credential handed to the agent (a JWT, a connection URI, a PEM bundle, ...).</summary>
    public required string Value { get; init; }

    /// <summary>RFC 8693 §2.2.1 <c>issued_token_type</c>.</summary>
    public required string IssuedTokenType { get; init; }

    /// <summary>RFC 8693 §2.2.1 <c>token_type</c> (<c>Bearer</c>, <c>DPoP</c>, or <c>N_A</c>).</summary>
    public required string TokenType { get; init; }

    /// <summary>
    /// The claims the credential carries when the kind changed the request's (its own id, e.g. a certificate's
    /// serial; a shorter expiry); null when they are <see cref="CredentialRequest.Claims"/>. The issuance record
    /// and <c>expires_in</c> follow these.
    /// </summary>
    public CredentialClaims? Claims { get; init; }

    /// <summary>The signing key's id, when the credential is signed by a Mandate key.</summary>
    public string? Kid { get; init; }

    /// <summary>Kind-specific audit evidence (never a secret), merged into the one issuance record.</summary>
    public IReadOnlyDictionary<string, string> Evidence { get; init; } = new Dictionary<string, string>();

    /// <summary>Rows committed in the same transaction as the issuance record (e.g. a database lease).</summary>
    public StoreBatch SideRows { get; init; } = new();

    /// <summary>Undoes what minting created outside the broker (e.g. drops a database login) when the credential is not released.</summary>
    public Func<CancellationToken, Task>? Compensate { get; init; }
}
