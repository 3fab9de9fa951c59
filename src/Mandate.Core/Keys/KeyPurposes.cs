namespace Mandate.Core.Keys;

/// <summary>The <c>purpose</c> of each key in the store's keys table; one <see cref="KeyProfile"/> per purpose (see <see cref="KeyProfiles"/>).</summary>
public static class KeyPurposes
{
    /// <summary>ES256, one per node: access tokens and run tokens, published at <c>/.well-known/jwks.json</c>.</summary>
    public const string TokenSigning = "token-signing";

    /// <summary>
    /// RS256 (RSA-2048), one per node: access tokens of the tools that ask for <c>signing_alg: RS256</c>, published beside
    /// the ES256 keys at <c>/.well-known/jwks.json</c>. Only when some tool asks for it.
    /// </summary>
    public const string TokenSigningRs256 = "token-signing-rs256";

    /// <summary>RS256, one per node: OIDC federation ID tokens, published at <c>/federation/jwks</c>.</summary>
    public const string FederationSigning = "federation-signing";

    /// <summary>The SPIFFE X.509 CA (ES256): the public JWK carries the CA certificate in <c>x5c</c>.</summary>
    public const string SpiffeCa = "spiffe-ca";

    /// <summary>The JWT-SVID signing key (ES256), published in the SPIFFE bundle.</summary>
    public const string SpiffeJwt = "spiffe-jwt";

    /// <summary>
    /// ES256, one per node: signed audit checkpoints, published at <c>/audit/jwks</c> with kids prefixed <c>audit-checkpoint-</c>;
    /// never in <c>/.well-known/jwks.json</c>, so nothing that accepts Mandate's tokens accepts a checkpoint key.
    /// </summary>
    public const string AuditCheckpoint = "audit-checkpoint";

    /// <summary>Every purpose, in the order <c>mandate keys</c> names them.</summary>
    public static readonly IReadOnlyList<string> All = [TokenSigning, TokenSigningRs256, FederationSigning, AuditCheckpoint, SpiffeCa, SpiffeJwt];
}
