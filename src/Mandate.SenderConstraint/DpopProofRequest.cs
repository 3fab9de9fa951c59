namespace Mandate.SenderConstraint;

/// <summary>What a DPoP proof must match: the request it came with (RFC 9449 §4.3).</summary>
/// <param name="Proof">Value of the single <c>DPoP</c> request header.</param>
/// <param name="HttpMethod">The request's method; must equal <c>htm</c>.</param>
/// <param name="RequestUri">The request's absolute URI; <c>htu</c> must equal it without query and fragment.</param>
public sealed record DpopProofRequest(string Proof, string HttpMethod, Uri RequestUri)
{
    /// <summary>
    /// At a resource server, the access token presented with the proof: the proof's <c>ath</c>
    /// must equal base64url(SHA-256(token)) (RFC 9449 §4.3 step 12). Null at the token endpoint.
    /// </summary>
    public string? AccessToken { get; init; }

    /// <summary>
    /// When set, the proof must carry a <c>nonce</c> this predicate accepts (RFC 9449 §8/§9);
    /// otherwise validation fails with <see cref="DpopFailure.UseNonce"/>. Null: nonces are not required.
    /// </summary>
    public Func<string, bool>? AcceptNonce { get; init; }
}
