using Mandate.Core.Configuration;
using Mandate.Core.Minting;
using Mandate.Core.Protocol;
using Mandate.SenderConstraint;

namespace Mandate.Core.Credentials.Jwt;

/// <summary>
/// The built-in kinds <c>jwt</c> and <c>secret</c>: a Mandate RFC 9068 access token (a <c>secret</c> tool's
/// agent presents it to the egress proxy, which injects the vaulted key). Signing is local and needs no undo,
/// so it can also be issued when an approval is collected.
/// </summary>
public sealed class JwtCredentialKind : ICredentialKind
{
    private readonly AccessTokenMinter _minter;

    /// <param name="minter">Signs with this node's active key of the tool's algorithm.</param>
    /// <param name="kind"><see cref="CredentialKind.Jwt"/> or <see cref="CredentialKind.Secret"/>.</param>
    public JwtCredentialKind(AccessTokenMinter minter, CredentialKind kind)
    {
        if (kind is not (CredentialKind.Jwt or CredentialKind.Secret))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "the JWT kind mints for jwt and secret tools only");
        }

        _minter = minter;
        Kind = kind;
    }

    public CredentialKind Kind { get; }

    public string IssuedTokenType => OAuthConstants.TokenTypes.AccessToken;

    public bool IssuableAfterApproval => true;

    public ValueTask<Result<MintedCredential>> MintAsync(CredentialRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (token, kid) = _minter.Mint(request.Claims, request.Tool);
        return ValueTask.FromResult<Result<MintedCredential>>(new MintedCredential
        {
            Value = token,
            IssuedTokenType = IssuedTokenType,
            // RFC 9449 §5: DPoP for a DPoP-bound token; RFC 8705 keeps Bearer for a certificate-bound one.
            TokenType = request.Claims.Confirmation?.Jkt is not null ? ConfirmationNames.DpopTokenType : "Bearer",
            Kid = kid,
        });
    }
}
