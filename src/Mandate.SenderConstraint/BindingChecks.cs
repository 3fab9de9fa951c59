namespace Mandate.SenderConstraint;

/// <summary>
/// Stable ids of the sender-binding checks (RFC 9449 DPoP, RFC 8705 mTLS), in the broker's <c>area.reason</c>
/// scheme. This library references no broker project, so it keeps the ids as strings; the broker turns them into
/// OAuth errors with the code the context needs (<c>invalid_dpop_proof</c> at the token endpoint, <c>invalid_token</c>
/// at a resource). Results carry them as <see cref="DpopValidationResult.CheckId"/> and <see cref="BindingCheckResult.CheckId"/>.
/// </summary>
public static class BindingChecks
{
    /// <summary>The proof is empty, too long, not a well-formed JWT, or its header or payload breaks RFC 9449 §4.2/§4.3.</summary>
    public const string DpopProofMalformed = "binding.dpop_proof_malformed";

    /// <summary>More than one DPoP header (RFC 9449 §4.3 step 1).</summary>
    public const string DpopHeaderRepeated = "binding.dpop_header_repeated";

    /// <summary>The signature does not verify with the proof's own jwk (step 7).</summary>
    public const string DpopSignatureInvalid = "binding.dpop_signature_invalid";

    /// <summary>htm is not this request's method (step 8).</summary>
    public const string DpopMethodMismatch = "binding.dpop_method_mismatch";

    /// <summary>htu is not this request's URL (step 9).</summary>
    public const string DpopUrlMismatch = "binding.dpop_url_mismatch";

    /// <summary>iat missing or outside the accepted window (step 11).</summary>
    public const string DpopIatInvalid = "binding.dpop_iat_invalid";

    /// <summary>ath is not the hash of the access token sent with the proof (step 12).</summary>
    public const string DpopAthMismatch = "binding.dpop_ath_mismatch";

    /// <summary>The server requires a nonce and the proof has none, or an old one (§8: <c>use_dpop_nonce</c>).</summary>
    public const string DpopNonceRequired = "binding.dpop_nonce_required";

    /// <summary>The proof's jti was seen before (§11.1).</summary>
    public const string DpopProofReplayed = "binding.dpop_proof_replayed";

    /// <summary>The replay cache is full; retry shortly.</summary>
    public const string DpopReplayCacheFull = "binding.dpop_replay_cache_full";

    /// <summary>A DPoP-bound token (cnf.jkt) came without a valid proof.</summary>
    public const string DpopProofMissing = "binding.dpop_proof_missing";

    /// <summary>The proof was signed by another key than cnf.jkt names (§7.1).</summary>
    public const string DpopKeyMismatch = "binding.dpop_key_mismatch";

    /// <summary>A certificate-bound token (cnf x5t#S256) came without a client certificate (RFC 8705 §3).</summary>
    public const string CertificateMissing = "binding.certificate_missing";

    /// <summary>The client certificate is not the one cnf x5t#S256 names (RFC 8705 §3).</summary>
    public const string CertificateMismatch = "binding.certificate_mismatch";
}
