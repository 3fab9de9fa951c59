using Mandate.Core.Configuration;
using Mandate.Core.Mcp;
using Mandate.Core.Secrets;
using Mandate.Mcp;
using Microsoft.AspNetCore.Http;

namespace Mandate.Server.Proxy.Mcp;

/// <summary>
/// How a message the gateway let through reaches the MCP server and its answer comes back: the upstream's own
/// credential injected (the vaulted key, or a fresh Mandate credential; never the agent's: no token passthrough), the
/// body the gateway read sent as read, an upstream <c>Mcp-Session-Id</c> bound to the caller (or dropped under a
/// revision without sessions), and the answer filtered: to what belongs to the POST, then a <c>tools/list</c> to the tools
/// the caller may call, a <c>tools/call</c> result held until its <c>mcp_call</c> record is durable.
/// </summary>
internal sealed class McpUpstreamRelay
{
    private readonly McpUpstreamCredentials _upstreamCredentials;
    private readonly SecretVault _vault;
    private readonly ProxyForwarder _forwarder;
    private readonly McpAudit _audit;
    private readonly McpSessions _sessions;
    private readonly IMcpCallPolicy _policy;
    private readonly ProxyOptions _options;
    private readonly TimeProvider _time;

    public McpUpstreamRelay(McpUpstreamCredentials upstreamCredentials, SecretVault vault, ProxyForwarder forwarder, McpAudit audit, McpSessions sessions, IMcpCallPolicy policy, MandateOptions options, TimeProvider time)
    {
        _upstreamCredentials = upstreamCredentials;
        _vault = vault;
        _forwarder = forwarder;
        _audit = audit;
        _sessions = sessions;
        _policy = policy;
        _options = options.Proxy;
        _time = time;
    }

    /// <summary>Forwards the request (with <paramref name="body"/> when the gateway read one, holding <paramref name="message"/>).</summary>
    public async Task<ProxyRefusal?> ForwardAsync(HttpContext http, ProxyCall call, ToolOptions tool, ProxyTarget target, ProxyCredential credential, byte[]? body, McpMessage? message, IReadOnlyList<string> scopes, bool sessions)
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
        var upstreamCall = new ProxyUpstreamCall(upstream, header, value, _options.MaxRequestBody) { BufferedBody = body, BufferedContentType = body is null ? null : McpContentType.Json, ResponseFilter = Filter(call, tool, credential, message, dropServerRequests: !sessions),
            // A revision without sessions gets no upstream Mcp-Session-Id, bound or not.
            BindSessionId = sessions ? id => _sessions.Bind(tool.Name, credential.Claims, id) : McpSessions.NotRelayed, UpstreamChallengesAreOurs = true,
            RefuseRedirectsAs = McpGatewayChecks.UpstreamRedirect, DropCookies = true, DropUpstreamAddresses = true };
        return await _forwarder.ForwardAsync(http, call, upstreamCall, new SecretScrubber(secret));
    }

    /// <summary>
    /// What a POST's answer goes through: first <see cref="McpAnswerFilter"/> (no response to another request; no server
    /// request either when <paramref name="dropServerRequests"/>, under 2026-07-28), then the method's filter. A session
    /// DELETE (no <paramref name="message"/>) gets the method filter alone, which is none.
    /// </summary>
    private ProxyResponseFilter? Filter(ProxyCall call, ToolOptions tool, ProxyCredential credential, McpMessage? message, bool dropServerRequests)
    {
        var limit = (int)Math.Min(_options.MaxResponseBody ?? 16L * 1024 * 1024, int.MaxValue);
        var byMethod = MethodFilter(call, tool, credential, message?.Method, limit);
        if (message is null)
        {
            return byMethod;
        }

        // A POST holding a notification or a response has no own id: every response on its answer is another's.
        var ownId = message.Kind == McpMessageKind.Request ? message.IdJson : null;
        return async (contentType, upstreamBody, ct) =>
        {
            var relayed = await McpAnswerFilter.DropForeignAsync(contentType, upstreamBody, ownId, dropServerRequests, limit, ct);
            return byMethod is null ? relayed : await byMethod(contentType, relayed, ct);
        };
    }

    private ProxyResponseFilter? MethodFilter(ProxyCall call, ToolOptions tool, ProxyCredential credential, string? method, int limit)
    {
        return method switch
        {
            McpMethods.ToolsList => async (contentType, body, ct) =>
                await McpToolsListFilter.FilterAsync(contentType, body, await _policy.ListFilterAsync(credential.Claims, tool.Name, ct), limit, ct),
            // Relayed through a filter (so without Content-Length), a JSON answer completes only after its mcp_call
            // record; an SSE answer's result event waits for the record (written once the upstream body has ended).
            McpMethods.ToolsCall => (contentType, upstreamBody, _) => Task.FromResult(McpToolsCallRelay.HoldResult(
                contentType, upstreamBody, _ => RecordBeforeResultAsync(call), limit)),
            _ => null,
        };
    }

    private async Task RecordBeforeResultAsync(ProxyCall call)
    {
        var record = call.McpCall!;
        await _audit.RecordAsync(call, record, _time.GetUtcNow() - call.Started);
        record.Recorded = true;
    }
}
