namespace Mandate.Core.Configuration;

/// <summary>The JOSE algorithms a <c>jwt</c> tool's access tokens may be signed with (the tool's <c>signing_alg:</c>).</summary>
public static class TokenSigningAlgorithms
{
    /// <summary>ECDSA P-256 with SHA-256: the default, small and fast to sign.</summary>
    public const string ES256 = "ES256";

    /// <summary>RSASSA-PKCS1-v1_5 with SHA-256 (RSA-2048), for tools whose verifiers accept only RSA (RFC 9068 §2.1).</summary>
    public const string RS256 = "RS256";
}
