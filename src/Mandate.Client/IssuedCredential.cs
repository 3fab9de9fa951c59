namespace Mandate.Client;

/// <summary>A credential the broker issued (RFC 8693 §2.2.1 response).</summary>
public sealed record IssuedCredential(string AccessToken, string IssuedTokenType, string TokenType, int ExpiresIn, string Scope)
{
    /// <summary>Issued token type of a <c>kind: postgres</c> tool's credential: a libpq connection URI.</summary>
    public const string PostgresCredentialsType = "urn:mandate:params:oauth:token-type:postgres-credentials";

    /// <summary>Issued token type of a <c>kind: oidc-federation</c> tool's credential: an OIDC ID token for a cloud's STS.</summary>
    public const string IdTokenType = "urn:ietf:params:oauth:token-type:id_token";

    /// <summary>The <c>token_type</c> of a DPoP-bound credential (RFC 9449 §5).</summary>
    public const string DpopTokenType = "DPoP";

    /// <summary>
    /// True when the credential is bound to the client's DPoP key (<c>token_type: DPoP</c>): it must be sent as
    /// <c>Authorization: DPoP</c> with a fresh proof by that key (<see cref="MandateCredentialHandler"/> does this).
    /// </summary>
    public bool IsDpopBound => string.Equals(TokenType, DpopTokenType, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// For a postgres credential, the connection URI <c>postgresql://role:password@host:port/db</c> (libpq, psql,
    /// and most drivers accept it as is); null for other kinds. It holds a password: never log or prompt it.
    /// </summary>
    public string? ConnectionUri => IssuedTokenType == PostgresCredentialsType ? AccessToken : null;

    /// <summary>For an oidc-federation credential, the ID token to hand the cloud's STS; null for other kinds.</summary>
    public string? IdToken => IssuedTokenType == IdTokenType ? AccessToken : null;
}
