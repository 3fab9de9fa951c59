namespace Mandate.Core.Spiffe;

/// <summary>The <c>purpose</c> values of the SPIFFE keys in the store's keys table.</summary>
public static class SpiffeKeyPurposes
{
    /// <summary>The X.509 CA: sealed PKCS#8 private key; the public JWK carries the certificate in <c>x5c</c>.</summary>
    public const string Ca = "spiffe-ca";

    /// <summary>The JWT-SVID signing key (ES256).</summary>
    public const string Jwt = "spiffe-jwt";
}
