using System.Text.Json.Nodes;
using Mandate.Core.Configuration;
using Mandate.Core.Mcp;
using Mandate.Core.Secrets;
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
    private readonly IMcpCallPolicy _policy;
    private readonly McpUpstreamCredentials _upstreamCredentials;
    private readonly SecretVault _vault;
    private readonly ProxyForwarder _forwarder;
    private readonly McpAudit _audit;
    private readonly McpSessions _sessions;
    private readonly ProxyOptions _options;
    private readonly IReadOnlyList<string> _dpopAlgorithms;
    private readonly TimeProvider _time;

    public McpGateway(ProxyCredentialResolver credentials, IMcpCallPolicy policy, McpUpstreamCredentials upstreamCredentials, SecretVault vault, ProxyForwarder forwarder, McpAudit audit, McpSessions sessions, MandateOptions options, TimeProvider time)
    {
        _sessions = sessions;
        _audit = audit;
        _time = time;
        _credentials = credentials;
        _policy = policy;
        _upstreamCredentials = upstreamCredentials;
        _vault = vault;
        _forwarder = forwarder;
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
            ?? await ForwardAsync(http, call, tool, target, credential, null, tool.Mcp!.ScopesFor(null), null, sessions: true);
    }

    private async Task<ProxyRefusal?> HandlePostAsync(HttpContext http, ProxyCall call, ToolOptions tool, ProxyTarget target, ProxyCredential credential)
    {
        if (McpContentType.Check(http.Request.ContentType) is { } unsupported)
        {
            return await McpReplies.WireErrorAsync(http, unsupported);
        }

        var (body, unreadable) = await McpRequestBody.ReadAsync(http.Request, _options.MaxRequestBody, _options.Timeout, _time, http.RequestAborted);
        if (unreadable is not null)
        {
            return unreadable;
        }

        call.RequestBytes = body!.Length;
        var message = McpMessageReader.Read(body, out var wireError);
        if (wireError is not null)
        {
            return await McpReplies.WireErrorAsync(http, wireError);
        }

        var headers = McpRequestHeaders.Read(name => http.Request.Headers[name]);
        var version = McpHeaderValidator.EffectiveVersion(headers, message);
        call.McpMethod = message.Method ?? "(response)";
        var isCall = message.Method == McpMethods.ToolsCall;
        if (isCall)
        {
            call.McpCall = new McpCallRecord { Tool = message.Name!, ArgumentsJson = message.Arguments.GetRawText(), ProtocolVersion = version };
        }

        // Streamable HTTP §Protocol Version Header: an unsupported version is a 400 on any request; the session comes after.
        if (McpHeaderValidator.Validate(headers, message) is { } mismatch)
        {
            return await McpReplies.WireErrorAsync(http, mismatch);
        }

        // Validated, it is 2026-07-28 exactly when MCP-Protocol-Version says so (a body declaring it needs the header).
        var sessions = version != McpProtocolVersions.Latest;
        if (_sessions.Resolve(http.Request, tool.Name, credential.Claims, sessions) is { } sessionRefused)
        {
            return sessionRefused;
        }

        if (message.Kind == McpMessageKind.Response && McpProtocolVersions.RequiresHeaderValidation(version))
        {
            return await McpReplies.WireErrorAsync(http, McpWireError.Invalid("Invalid Request: since 2026-07-28 clients do not send JSON-RPC responses", message.IdJson));
        }

        var scopes = UpstreamScopes(tool, isCall ? message.Name : null, credential, out var missing);
        if (missing.Count > 0)
        {
            var description = $"tool '{McpText.Shown(message.Name)}' of MCP server '{tool.Name}' needs scope {string.Join(" ", missing)} (mcp.tool_scopes in mandate.yaml), which this credential lacks; request a credential for {tool.Resource} with that scope";
            http.Response.Headers.WWWAuthenticate = McpResourceMetadata.InsufficientScope(tool, _dpopAlgorithms, tool.Mcp!.ScopesFor(message.Name), description);
            return await McpReplies.ForbiddenAsync(http, message.IdJson, JsonRpcErrorCodes.PolicyDenied, McpGatewayChecks.ScopeMissing, description,
                new JsonObject { ["server"] = tool.Name, ["tool"] = message.Name });
        }

        if (isCall && await DecideAsync(http, call, tool, credential, message) is { } refused)
        {
            return refused;
        }

        var filter = message.Method switch
        {
            McpMethods.ToolsList => ListFilter(credential, tool),
            // Relayed through a filter (so without Content-Length), a JSON answer completes only after its mcp_call
            // record; an SSE answer's result event waits for the record (written once the upstream body has ended).
            McpMethods.ToolsCall => (contentType, upstreamBody, _) => Task.FromResult(McpToolsCallRelay.HoldResult(
                contentType, upstreamBody, _ => RecordBeforeResultAsync(call), (int)Math.Min(_options.MaxResponseBody ?? 16L * 1024 * 1024, int.MaxValue))),
            _ => null,
        };
        return await ForwardAsync(http, call, tool, target, credential, body, scopes, filter, sessions);
    }

    private async Task<ProxyRefusal?> DecideAsync(HttpContext http, ProxyCall call, ToolOptions tool, ProxyCredential credential, McpMessage message)
    {
        var decision = await _policy.DecideAsync(credential.Claims, new McpToolCall(tool.Name, message.Name!, message.Arguments), http.RequestAborted);
        call.McpCall!.Decision = decision;
        var data = new JsonObject
        {
            ["server"] = tool.Name,
            ["tool"] = message.Name,
            ["rule"] = decision.Rule,
            ["policy_version"] = decision.PolicyVersion,
        };
        switch (decision.Verdict)
        {
            case McpCallVerdict.Denied:
                if (decision.ApprovalId is { } deniedApproval)
                {
                    data["approval_id"] = deniedApproval;
                }

                return await McpReplies.ForbiddenAsync(http, message.IdJson, JsonRpcErrorCodes.PolicyDenied, decision.CheckId ?? McpCallChecks.ToolNotAllowed,
                    decision.Description ?? $"no rule with mcp: allows tool '{McpText.Shown(message.Name)}' of '{tool.Name}' for this agent; add one to policy.yaml", data);
            case McpCallVerdict.ApprovalPending:
                data["approval_id"] = decision.ApprovalId;
                data["expires_in"] = decision.ApprovalExpiresIn;
                data["hint"] = $"mandate approvals approve {decision.ApprovalId}";
                data["retry"] = "once approved, send the identical call again (same tool and arguments); it is allowed once";
                return await McpReplies.ForbiddenAsync(http, message.IdJson, JsonRpcErrorCodes.ApprovalPending, decision.CheckId ?? McpCallChecks.ApprovalPending,
                    decision.Description ?? $"rule '{decision.Rule}' requires a human to approve this exact call; an operator runs: mandate approvals approve {decision.ApprovalId}", data);
            default:
                return null;
        }
    }

    private async Task<ProxyRefusal?> ForwardAsync(HttpContext http, ProxyCall call, ToolOptions tool, ProxyTarget target, ProxyCredential credential, byte[]? body, IReadOnlyList<string> scopes, ProxyResponseFilter? filter, bool sessions)
    {
        string header;
        string value;
        string secret;
        if (tool.Kind == CredentialKind.Secret)
        {
            var (opened, version) = await _vault.OpenAsync(tool.Name, http.RequestAborted);
            if (opened is null)
            {
                return ProxyRefusal.Unavailable(version < 0 ? ProxyChecks.SecretUnreadable : ProxyChecks.SecretMissing,
                    $"tool '{tool.Name}' has no usable vaulted secret; an operator stores one with: mandate secrets set {tool.Name}");
            }

            call.SecretVersion = version;
            var injection = tool.Secret ?? new SecretInjectionOptions();
            (header, value, secret) = (injection.Header, injection.Render(opened), opened);
        }
        else
        {
            // Token passthrough is forbidden (MCP security §Token Passthrough): the upstream gets its own credential.
            var (token, jti, refusal) = await _upstreamCredentials.GetAsync(credential, tool, scopes, http.RequestAborted);
            if (refusal is not null)
            {
                return refusal;
            }

            (header, value, secret) = ("Authorization", "Bearer " + token, token!);
            if (call.McpCall is { } record)
            {
                record.UpstreamJti = jti;
            }
        }

        if (body is not null)
        {
            // The message was read to decide; the forwarder sends these bytes (BufferedBody), or re-reads them here.
            http.Request.Body = new MemoryStream(body, writable: false);
            http.Request.ContentLength = body.Length;
        }

        var upstream = new Uri(tool.Upstream! + (target.Query is null ? "" : "?" + target.Query), UriKind.Absolute);
        call.Upstream = upstream.GetLeftPart(UriPartial.Authority);
        var upstreamCall = new ProxyUpstreamCall(upstream, header, value, _options.MaxRequestBody) { BufferedBody = body, BufferedContentType = body is null ? null : McpContentType.Json, ResponseFilter = filter,
            // A revision without sessions gets no upstream Mcp-Session-Id, bound or not.
            BindSessionId = sessions ? id => _sessions.Bind(tool.Name, credential.Claims, id) : McpSessions.NotRelayed, UpstreamChallengesAreOurs = true,
            RefuseRedirectsAs = McpGatewayChecks.UpstreamRedirect, DropCookies = true, DropUpstreamAddresses = true };
        return await _forwarder.ForwardAsync(http, call, upstreamCall, new SecretScrubber(secret));
    }

    private async Task RecordBeforeResultAsync(ProxyCall call)
    {
        var record = call.McpCall!;
        await _audit.RecordAsync(call, record, _time.GetUtcNow() - call.Started);
        record.Recorded = true;
    }

    private ProxyResponseFilter ListFilter(ProxyCredential credential, ToolOptions tool)
    {
        var limit = (int)Math.Min(_options.MaxResponseBody ?? 16L * 1024 * 1024, int.MaxValue);
        return (contentType, body, ct) => McpToolsListFilter.FilterAsync(contentType, body, name => _policy.MayList(credential.Claims, tool.Name, name), limit, ct);
    }

    /// <summary>
    /// The upstream credential's scopes: the ones <c>mcp.tool_scopes</c> names for the called tool (all of them for
    /// other methods), never one the caller's own credential lacks. A call whose tool needs a missing scope is refused.
    /// </summary>
    private static IReadOnlyList<string> UpstreamScopes(ToolOptions tool, string? calledTool, ProxyCredential credential, out IReadOnlyList<string> missing)
    {
        var held = credential.Claims.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var wanted = tool.Mcp!.ScopesFor(calledTool);
        missing = calledTool is null ? [] : [.. wanted.Where(s => !held.Contains(s, StringComparer.Ordinal))];
        return [.. wanted.Where(s => held.Contains(s, StringComparer.Ordinal))];
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
