using Mandate.Core.Storage;
using Mandate.SenderConstraint;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Proxy;

/// <summary>
/// Why the proxy did not forward (or could not complete) a call: an HTTP status, a short title, a detail that
/// names the rule or check and how to fix it, and the check's stable id (<see cref="ProxyChecks"/>). Never
/// contains a token or secret.
/// </summary>
internal sealed record ProxyRefusal(int Status, string Title, string Detail, string? Error = null)
{
    /// <summary>The refusing check's stable id, sent as <c>check_id</c>.</summary>
    public required string CheckId { get; init; }

    /// <summary>
    /// For a credential refused as a DPoP credential (presented with <c>Authorization: DPoP</c>, or DPoP-bound): the
    /// algorithms a proof may use, so the 401 or 403 carries a DPoP challenge with them (RFC 9449 §7.1); null otherwise.
    /// </summary>
    public IReadOnlyList<string>? DpopAlgorithms { get; init; }

    /// <summary>
    /// Whether the answer carries an RFC 6750 §3 challenge: every 401, a 400 for a malformed credential, and a 403 with an
    /// OAuth error (§3: a credential that does not enable access MUST be answered with <c>WWW-Authenticate</c>).
    /// </summary>
    public bool ChallengesCredential => Status == StatusCodes.Status401Unauthorized || CredentialMalformed
        || (Status == StatusCodes.Status403Forbidden && Error is not null);

    private bool CredentialMalformed { get; init; }

    /// <summary>The store failed: the call could not be checked or recorded, so it was not forwarded.</summary>
    public static ProxyRefusal StoreUnavailable { get; } =
        Unavailable(StoreChecks.Unavailable.Id, "the broker's store is unavailable, so the call could not be checked; retry shortly");

    public static ProxyRefusal BadRequest(string checkId, string detail) => new(StatusCodes.Status400BadRequest, "malformed proxied request", detail, "invalid_request") { CheckId = checkId };

    /// <summary>
    /// RFC 6750 §3.1 invalid_request, 400 with a challenge: an <c>Authorization</c> header sent twice or malformed, or
    /// run-token mode without exactly one of each of its headers (<paramref name="checkId"/>).
    /// </summary>
    public static ProxyRefusal MalformedCredential(string detail, string checkId = ProxyChecks.CredentialMalformed) => BadRequest(checkId, detail) with { CredentialMalformed = true };

    /// <summary>
    /// RFC 6750 §3.1: no credential presented (none in the Authorization header, the only place the proxy reads one). A 401
    /// whose challenge carries no error code: the client may not know that authentication is needed.
    /// </summary>
    public static ProxyRefusal CredentialMissing(string detail) => new(StatusCodes.Status401Unauthorized, "credential required", detail) { CheckId = ProxyChecks.CredentialMissing };

    /// <summary>RFC 6750 §3.1 invalid_token: bad, expired, revoked or for another audience.</summary>
    public static ProxyRefusal InvalidToken(string checkId, string detail) => new(StatusCodes.Status401Unauthorized, "credential refused", detail, "invalid_token") { CheckId = checkId };

    /// <summary>RFC 9449 §7.1 invalid_dpop_proof: a DPoP-bound credential without a valid proof by its key (401).</summary>
    public static ProxyRefusal InvalidDpopProof(string detail, IReadOnlyList<string> algorithms) =>
        new(StatusCodes.Status401Unauthorized, "credential refused", detail, AuthenticateChallenges.InvalidDpopProof) { CheckId = ProxyChecks.NotHolder, DpopAlgorithms = algorithms };

    public static ProxyRefusal Forbidden(string checkId, string detail) => new(StatusCodes.Status403Forbidden, "call not allowed", detail, "insufficient_scope") { CheckId = checkId };

    /// <summary>501: RFC 9110 §9.1, a method that is not a standard one spelt exactly (<c>post</c>) is no method the gateway implements.</summary>
    public static ProxyRefusal MethodNotImplemented(string detail) =>
        new(StatusCodes.Status501NotImplemented, "method not implemented", $"methods are case-sensitive (RFC 9110 section 9.1): {detail}") { CheckId = Http.ImplementedMethods.NotImplementedCheck };

    public static ProxyRefusal NotFound(string checkId, string detail) => new(StatusCodes.Status404NotFound, "unknown tool", detail) { CheckId = checkId };

    public static ProxyRefusal TooLarge(string detail) => new(StatusCodes.Status413PayloadTooLarge, "request body too large", detail) { CheckId = ProxyChecks.BodyTooLarge };

    public static ProxyRefusal Unavailable(string checkId, string detail) => new(StatusCodes.Status503ServiceUnavailable, "proxy unavailable", detail) { CheckId = checkId };

    public static ProxyRefusal BadGateway(string checkId, string detail) => new(StatusCodes.Status502BadGateway, "upstream failed", detail) { CheckId = checkId };

    public static ProxyRefusal GatewayTimeout(string detail) => new(StatusCodes.Status504GatewayTimeout, "upstream timed out", detail) { CheckId = ProxyChecks.UpstreamTimeout };

    /// <summary>
    /// The broker refused the exchange of a run token for this call. The proxy decides by the refusing check's id:
    /// a store outage is 503; a presented token that is bad, expired, revoked or not the caller's is the caller's
    /// credential problem (RFC 6750 §3.1, 401); a pending approval and every other refusal forbid the call (403).
    /// The answer's <c>check_id</c> is the exchange's own, so the agent sees which check refused.
    /// </summary>
    public static ProxyRefusal FromExchange(Core.Protocol.OAuthError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var detail = $"the broker refused the credential for this call ({error.Error}): {error.Description}";
        var id = error.CheckId;
        var refusal = ProxyExchangeChecks.Classify(error) switch
        {
            ProxyExchangeChecks.Outcome.Unavailable => Unavailable(ProxyChecks.ExchangeRefused, detail),
            ProxyExchangeChecks.Outcome.InvalidToken => InvalidToken(ProxyChecks.ExchangeRefused, detail),
            ProxyExchangeChecks.Outcome.Malformed => BadRequest(ProxyChecks.ExchangeRefused, detail),
            ProxyExchangeChecks.Outcome.ApprovalPending => Forbidden(ProxyChecks.ApprovalPending, detail + "; a human must approve first: poll /oauth2/token, then present the credential as Authorization: Bearer"),
            _ => Forbidden(ProxyChecks.ExchangeRefused, detail),
        };
        return id is null ? refusal : refusal with { CheckId = id };
    }
}
