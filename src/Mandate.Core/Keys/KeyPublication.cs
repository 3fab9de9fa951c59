namespace Mandate.Core.Keys;

/// <summary>Which document publishes the public keys of a purpose.</summary>
public enum KeyPublication
{
    /// <summary>The broker's JWKS, <c>/.well-known/jwks.json</c> (RFC 8414 <c>jwks_uri</c>).</summary>
    BrokerJwks,

    /// <summary>The federation issuer's JWKS, <c>/federation/jwks</c>, which clouds fetch through its discovery document.</summary>
    FederationJwks,

    /// <summary>The SPIFFE trust bundle (<c>x509-svid</c> and <c>jwt-svid</c> keys).</summary>
    SpiffeBundle,

    /// <summary>The audit checkpoint keys' own JWKS, <c>/audit/jwks</c>, apart from the token keys.</summary>
    AuditJwks,
}
