namespace Mandate.SenderConstraint;

/// <summary>Wire names of sender-constraint claims, headers and errors, spelled as in their RFCs.</summary>
public static class ConfirmationNames
{
    /// <summary>RFC 7800 confirmation claim.</summary>
    public const string Cnf = "cnf";

    /// <summary>RFC 8705 §3.1 certificate thumbprint member.</summary>
    public const string X5tS256 = "x5t#S256";

    /// <summary>RFC 9449 §6.1 JWK thumbprint member.</summary>
    public const string Jkt = "jkt";

    /// <summary>RFC 9449 §4.1 request header carrying the proof.</summary>
    public const string DpopHeader = "DPoP";

    /// <summary>RFC 9449 §8 response header carrying a server nonce.</summary>
    public const string DpopNonceHeader = "DPoP-Nonce";

    /// <summary>RFC 9449 §4.2 JOSE <c>typ</c> of a proof.</summary>
    public const string DpopJwtType = "dpop+jwt";

    /// <summary>RFC 9449 §5 token type of a DPoP-bound access token.</summary>
    public const string DpopTokenType = "DPoP";

    /// <summary>RFC 9449 §12.2 error for a missing or bad proof.</summary>
    public const string InvalidDpopProof = "invalid_dpop_proof";

    /// <summary>RFC 9449 §8 error asking the client to retry with the server's nonce.</summary>
    public const string UseDpopNonce = "use_dpop_nonce";
}
