namespace Mandate.SenderConstraint;

/// <summary>Why a DPoP proof was refused, mapped to its RFC 9449 error code.</summary>
public enum DpopFailure
{
    /// <summary>The proof is valid.</summary>
    None,

    /// <summary><c>invalid_dpop_proof</c> (token endpoint) / <c>invalid_token</c> (resource).</summary>
    InvalidProof,

    /// <summary><c>use_dpop_nonce</c>: retry with the nonce from the <c>DPoP-Nonce</c> header.</summary>
    UseNonce,
}
