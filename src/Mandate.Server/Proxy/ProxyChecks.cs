namespace Mandate.Server.Proxy;

/// <summary>
/// Why the egress proxy did not forward (or could not complete) a call, sent as the Problem Details member
/// <c>check_id</c> and written to the call's audit record. Ids only, not <see cref="Core.Protocol.Check"/> entries:
/// a proxy refusal is an RFC 9457 problem whose <c>error</c> member (RFC 6750 §3.1) is optional. A store outage is
/// <c>store.unavailable</c> (<see cref="Core.Storage.StoreChecks"/>).
/// </summary>
internal static class ProxyChecks
{
    /// <summary>400: the request target is not a clean origin-form <c>/{tool}/{path}</c>.</summary>
    public const string TargetMalformed = "proxy.target_malformed";

    /// <summary>421: an absolute-form request target naming another origin than the proxy's own (RFC 9110 §15.5.20); never fetched.</summary>
    public const string TargetMisdirected = "proxy.target_misdirected";

    /// <summary>400: the request has both <c>Content-Length</c> and <c>Transfer-Encoding</c> (RFC 9112 §6.1, request smuggling).</summary>
    public const string ContentLengthWithTransferEncoding = "proxy.content_length_with_transfer_encoding";

    /// <summary>400: a CONNECT, which asks for a tunnel the proxy never opens (RFC 9110 §9.3.6).</summary>
    public const string ConnectRefused = "proxy.connect_refused";

    /// <summary>400: an OPTIONS or TRACE with <c>Max-Forwards: 0</c>; the proxy is its last hop and forwards nothing.</summary>
    public const string MaxForwardsExhausted = "proxy.max_forwards_exhausted";

    /// <summary>400: an OPTIONS or TRACE whose <c>Max-Forwards</c> is not one number, which the proxy could not update.</summary>
    public const string MaxForwardsInvalid = "proxy.max_forwards_invalid";

    /// <summary>400: a TRACE with content, which a client must not send (RFC 9110 §9.3.8), so the proxy does not forward it.</summary>
    public const string TraceWithContent = "proxy.trace_with_content";

    /// <summary>400: the request body could not be read (framing).</summary>
    public const string BodyMalformed = "proxy.body_malformed";

    /// <summary>413: the request body is over <c>proxy.max_request_body</c>.</summary>
    public const string BodyTooLarge = "proxy.body_too_large";

    /// <summary>502: the upstream's <c>Location</c> names its own origin outside the tool's upstream, which no proxy path reaches.</summary>
    public const string UpstreamLocation = "proxy.upstream_location";

    /// <summary>404: no proxied tool has the name.</summary>
    public const string ToolUnknown = "proxy.tool_unknown";

    /// <summary>404: the tool's kind is not injected by the proxy (only secret and jwt are).</summary>
    public const string ToolNotProxied = "proxy.tool_not_proxied";

    /// <summary>401 with a challenge without an error code (RFC 6750 §3.1): neither a credential nor a run token was presented.</summary>
    public const string CredentialMissing = "proxy.credential_missing";

    /// <summary>400 (RFC 6750 §3.1 invalid_request): more than one credential, or one that is empty, too long or not token68.</summary>
    public const string CredentialMalformed = "proxy.credential_malformed";

    /// <summary>400 (RFC 6750 §3.1 invalid_request): run-token mode without exactly one of each of its three headers.</summary>
    public const string RunTokenHeaders = "proxy.run_token_headers";

    /// <summary>401: not a valid Mandate credential (signature, issuer, expiry, claims).</summary>
    public const string CredentialInvalid = "proxy.credential_invalid";

    /// <summary>401: the credential is for another tool.</summary>
    public const string AudienceMismatch = "proxy.audience_mismatch";

    /// <summary>401: the credential, its run, agent, tenant or user is revoked.</summary>
    public const string CredentialRevoked = "proxy.credential_revoked";

    /// <summary>401: a sender-constrained credential not presented by its holder (RFC 9449 §7, RFC 8705).</summary>
    public const string NotHolder = "proxy.not_holder";

    /// <summary>The broker refused the run-token exchange; status after the exchange's own check (see <see cref="ProxyRefusal.FromExchange"/>).</summary>
    public const string ExchangeRefused = "proxy.exchange_refused";

    /// <summary>403: the exchange waits for a human's approval.</summary>
    public const string ApprovalPending = "proxy.approval_pending";

    /// <summary>403: the rule that granted the credential is not on record or not in the current policy.</summary>
    public const string RuleMissing = "proxy.rule_missing";

    /// <summary>403: the granting rule has no http allow-list.</summary>
    public const string RuleWithoutHttp = "proxy.rule_without_http";

    /// <summary>403: the method and path are not in the granting rule's http allow-list.</summary>
    public const string CallNotAllowed = "proxy.call_not_allowed";

    /// <summary>503: the tool has no vaulted secret.</summary>
    public const string SecretMissing = "proxy.secret_missing";

    /// <summary>503: the vaulted secret does not open for its tool and version (another key-encryption key, an altered row, or an older value put back).</summary>
    public const string SecretUnreadable = "proxy.secret_unreadable";

    /// <summary>502: the upstream response is over <c>proxy.max_response_body</c>.</summary>
    public const string ResponseTooLarge = "proxy.response_too_large";

    /// <summary>502: the upstream could not be reached or broke the connection.</summary>
    public const string UpstreamFailed = "proxy.upstream_failed";

    /// <summary>502: the upstream compressed a body the proxy must scrub, although it asked for <c>identity</c>, or applied a transfer coding besides chunked.</summary>
    public const string UpstreamCompressed = "proxy.upstream_compressed";

    /// <summary>502: a partial answer (<c>206</c>, or <c>multipart/byteranges</c>) to a call whose <c>Range</c> the proxy removed, since it injects a secret.</summary>
    public const string UpstreamPartial = "proxy.upstream_partial";

    /// <summary>504: the upstream did not answer within <c>proxy.timeout</c>.</summary>
    public const string UpstreamTimeout = "proxy.upstream_timeout";

    /// <summary>408: the MCP gateway did not receive the whole message within <c>proxy.timeout</c>.</summary>
    public const string BodyTimeout = "proxy.body_timeout";

    /// <summary>499 (never sent): the agent closed the connection.</summary>
    public const string ClientClosed = "proxy.client_closed";
}
