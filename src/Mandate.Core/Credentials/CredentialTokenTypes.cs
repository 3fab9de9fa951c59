namespace Mandate.Core.Credentials;

/// <summary>RFC 8693 §3 token type identifiers of the credentials other kinds hand out, and §2.2.1's <c>N_A</c>.</summary>
public static class CredentialTokenTypes
{
    /// <summary>A libpq connection URI (<c>postgresql://role:password@host:port/db</c>) for a per-credential role.</summary>
    public const string PostgresCredentials = "urn:mandate:params:oauth:token-type:postgres-credentials";

    /// <summary>RFC 8693 §3: an OpenID Connect ID token.</summary>
    public const string IdToken = "urn:ietf:params:oauth:token-type:id_token";

    /// <summary>A PEM certificate chain for the key of the caller's CSR.</summary>
    public const string X509Certificate = "urn:mandate:params:oauth:token-type:x509-certificate";

    /// <summary>RFC 8693 §2.2.1: token_type when the issued token is not an access token usable as a bearer.</summary>
    public const string NotApplicable = "N_A";
}
