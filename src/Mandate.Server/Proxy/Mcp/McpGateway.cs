using Mandate.Core.Configuration;
using Mandate.Core.Mcp;
using Mandate.Mcp;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Proxy.Mcp;

/// <summary>
/// The identity-aware MCP gateway, for tools with <c>mcp:</c>: the MCP endpoint is <c>/{tool}</c> on the proxy listener.
/// Per POST: authenticate the agent's Mandate credential (401 points to the protected resource metadata) → read one
/// JSON-RPC message (bounded) → check the request metadata headers against it → for <c>tools/call</c>, the credential's
/// scopes and the policy's decision (deny, pending approval or allow) → inject the upstream's own credential (never the
/// agent's: no token passthrough) → forward, filtering a <c>tools/list</c> answer to the tools the caller may call.
/// Nothing is forwarded for a refusal.
/// </summary>
internal sealed class McpGateway
{
    private readonly ProxyCredentialResolver _credentials;
    private readonly McpCallAuthorization _authorization;
    private readonly McpUpstreamRelay _relay;
    private readonly McpSessions _sessions;
    private readonly ProxyOptions _options;
    private readonly IReadOnlyList<string> _dpopAlgorithms;
    private readonly TimeProvider _time;

    public McpGateway(ProxyCredentialResolver credentials, McpCallAuthorization authorization, McpUpstreamRelay relay, McpSessions sessions, MandateOptions options, TimeProvider time)
    {
        _credentials = credentials;
        _authorization = authorization;
        _relay = relay;
        _sessions = sessions;
        _time = time;
        _options = options.Proxy;
        _dpopAlgorithms = options.SenderConstraint.Dpop.AllowedAlgorithms;
    }

    public async Task<ProxyRefusal?> HandleAsync(HttpContext http, ProxyCall call, ToolOptions tool, ProxyTarget target)
    {
        if (target.Segments.Count > 1 || (target.Segments.Count == 1 && target.Segments[0].Length > 0))
        {
            return ProxyRefusal.NotFound(McpGatewayChecks.EndpointUnknown, $"tool '{tool.Name}' is an MCP server; its MCP endpoint is /{tool.Name}, nothing below it") with { Title = "unknown MCP endpoint" };
        }

        var request = http.Request;
        // Streamable HTTP §Security Warning: the Origin of every incoming connection is checked, whatever its method.
        if (OriginRefusal(request, tool) is { } origin)
        {
            return origin;
        }

        // RFC 9110 §9.1: methods are case-sensitive; 'post' is no method MCP uses, and is answered as on the broker's listeners.
        if (!Http.ImplementedMethods.IsStandard(request.Method))
        {
            var refusal = ProxyRefusal.MethodNotImplemented("send POST in upper case");
            await ProxyProblem.WriteAsync(http, refusal);
            return refusal;
        }

        // 2026-07-28 has no GET stream and no sessions (streamable HTTP §Backward Compatibility: its DELETE is 405); a
        // DELETE ending an older revision's session is still relayed.
        var sessionDelete = HttpMethods.IsDelete(request.Method) && request.Headers.ContainsKey(McpHeaderNames.SessionId)
            && request.Headers[McpHeaderNames.ProtocolVersion] != McpProtocolVersions.Latest;
        if (!HttpMethods.IsPost(request.Method) && !sessionDelete)
        {
            var refusal = new ProxyRefusal(StatusCodes.Status405MethodNotAllowed, "method not allowed", $"the MCP endpoint /{tool.Name} takes POST (and DELETE with Mcp-Session-Id to end a session of a protocol revision before {McpProtocolVersions.Latest}; {McpProtocolVersions.Latest} has no sessions)") { CheckId = McpGatewayChecks.MethodNotAllowed };
            await ProxyProblem.WriteAsync(http, refusal, h => h.Allow = "POST, DELETE");
            return refusal;
        }

        var (credential, denied) = await _credentials.ResolveAsync(request, tool, call, http.RequestAborted);
        if (denied is not null)
        {
            if (denied.ChallengesCredential)
            {
                // RFC 6750 §3.1: no error code when no credential was presented; invalid_request (400) for a malformed one.
                await ProxyProblem.WriteAsync(http, denied, h => h.WWWAuthenticate = McpResourceMetadata.Challenges(tool, _dpopAlgorithms, denied.Error, denied.Detail));
            }

            return denied;
        }

        call.Rule = credential!.Rule;
        // RFC 9110 §15.5.16, RFC 7694 §3: the message is read as sent and never decoded, so a coded body is a 415 (with
        // Accept-Encoding: identity) before it is read or relayed: the gateway and the server must read the same message.
        if (Http.ContentCoding.RefuseCompressedBody(request) is { } coded)
        {
            return await McpReplies.WireErrorAsync(http, new McpWireError(JsonRpcErrorCodes.InvalidRequest, "Invalid Request: " + coded.Description, StatusCodes.Status415UnsupportedMediaType), coded.CheckId);
        }

        if (!sessionDelete)
        {
            return await HandlePostAsync(http, call, tool, target, credential);
        }

        call.McpMethod = "(session end)";
        // Streamable HTTP §Protocol Version Header: an unsupported version is a 400 on any request, a DELETE too,
        // before its session is looked up.
        if (McpHeaderValidator.ValidateWithoutBody(McpRequestHeaders.Read(name => request.Headers[name])) is { } unsupported)
        {
            return await McpReplies.WireErrorAsync(http, unsupported);
        }

        return _sessions.Resolve(request, tool.Name, credential.Claims)
            ?? await _relay.ForwardAsync(http, call, tool, target, credential, null, null, tool.Mcp!.ScopesFor(null), sessions: true);
    }

    private async Task<ProxyRefusal?> HandlePostAsync(HttpContext http, ProxyCall call, ToolOptions tool, ProxyTarget target, ProxyCredential credential)
    {
        var headers = McpRequestHeaders.Read(name => http.Request.Headers[name]);
        var wireError = McpContentType.Check(http.Request.ContentType);
        byte[]? body = null;
        McpMessage? read = null;
        if (wireError is null)
        {
            (body, var unreadable) = await McpRequestBody.ReadAsync(http.Request, _options.MaxRequestBody, _options.Timeout, _time, http.RequestAborted);
            if (unreadable is not null)
            {
                return unreadable;
            }

            call.RequestBytes = body!.Length;
            var parsed = McpMessageReader.Read(body, out wireError);
            read = wireError is null ? parsed : null;
        }

        // A body the gateway cannot read declares no version: the header's, else the one assumed without it.
        var version = read is null ? headers.ProtocolVersion ?? McpProtocolVersions.AssumedWithoutHeader : McpHeaderValidator.EffectiveVersion(headers, read);
        if (read is not null)
        {
            call.McpMethod = read.Method ?? "(response)";
            if (read.Method == McpMethods.ToolsCall)
            {
                call.McpCall = new McpCallRecord { Tool = read.Name!, ArgumentsJson = read.Arguments.GetRawText(), ProtocolVersion = version };
            }
        }

        // Streamable HTTP §Protocol Version Header: an invalid or unsupported version is a 400 on any request; it comes
        // first, as the version decides whether there are sessions at all.
        if (VersionError(headers, read) is { } versionError)
        {
            return await McpReplies.WireErrorAsync(http, versionError);
        }

        // 2026-07-28 exactly when MCP-Protocol-Version says so (a body declaring it without the header is refused below).
        // Streamable HTTP 2025-11-25 §Session Management: requests containing a session id that ended MUST get 404, so an
        // unknown session is answered before the content type, the body and the other headers are judged.
        var sessions = version != McpProtocolVersions.Latest;
        if (_sessions.Resolve(http.Request, tool.Name, credential.Claims, sessions) is { } sessionRefused)
        {
            return sessionRefused;
        }

        if (!sessions)
        {
            // Streamable HTTP 2026-07-28 §Backward Compatibility: a Last-Event-ID is ignored (streams are not resumable), so
            // not forwarded: an MCP server that also speaks an older revision must not replay another stream into this answer.
            http.Request.Headers.Remove(McpHeaderNames.LastEventId);
        }

        if (wireError is not null)
        {
            return await McpReplies.WireErrorAsync(http, wireError);
        }

        var message = read!;
        if (McpHeaderValidator.Validate(headers, message) is { } mismatch)
        {
            return await McpReplies.WireErrorAsync(http, mismatch);
        }

        if (message.Kind == McpMessageKind.Response && McpProtocolVersions.RequiresHeaderValidation(version))
        {
            return await McpReplies.WireErrorAsync(http, McpWireError.Invalid("Invalid Request: since 2026-07-28 clients do not send JSON-RPC responses", message.IdJson));
        }

        var (scopes, refused) = await _authorization.AuthorizeAsync(http, call, tool, credential, message);
        return refused ?? await _relay.ForwardAsync(http, call, tool, target, credential, body, message, scopes, sessions);
    }

    /// <summary>
    /// What is wrong with the protocol version itself: <c>MCP-Protocol-Version</c> sent twice, malformed or unsupported,
    /// or an unsupported version in the body's <c>_meta</c>; null when the version is usable (the other headers are
    /// checked against the body later).
    /// </summary>
    private static McpWireError? VersionError(McpRequestHeaders headers, McpMessage? message)
    {
        var versionOnly = headers with { Method = null, Name = null, Malformed = headers.Malformed == McpHeaderNames.ProtocolVersion ? headers.Malformed : null };
        if (McpHeaderValidator.ValidateWithoutBody(versionOnly) is { } header)
        {
            return header with { IdJson = message?.IdJson };
        }

        return message is not null && McpHeaderValidator.Validate(versionOnly, message) is { Code: JsonRpcErrorCodes.UnsupportedProtocolVersion } declared ? declared : null;
    }

    /// <summary>
    /// Streamable HTTP §Security: an <c>Origin</c> that is not the gateway's own is refused with 403 (DNS rebinding),
    /// judged by the same rule MCP servers using <c>Mandate.Mcp</c> apply. Agents send none; a browser page that was
    /// steered here does.
    /// </summary>
    private static ProxyRefusal? OriginRefusal(HttpRequest request, ToolOptions tool) =>
        new McpOriginPolicy([tool.Resource]).Check(request.Headers.Origin) is { } refused
            // Not a credential problem: no OAuth error code, so a client does not try a scope step-up.
            ? ProxyRefusal.Forbidden(McpGatewayChecks.OriginRefused, refused.Message) with { Error = null }
            : null;
}
