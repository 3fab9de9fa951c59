using System.Diagnostics;
using Mandate.Core.Configuration;
using Mandate.Core.Policy;
using Mandate.Core.Secrets;
using Mandate.Core.Storage;
using Mandate.Policy;
using Mandate.SenderConstraint;
using Mandate.Server.Proxy.Mcp;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Proxy;

/// <summary>
/// The egress injection proxy's one handler: <c>/{tool}/{path}</c> → check the request, the credential and the
/// granting rule's HTTP allow-list → inject the tool's secret (or credential) → forward → relay with the secret
/// scrubbed → audit. Nothing is forwarded unless every check passed.
/// </summary>
internal sealed partial class EgressProxy
{
    private readonly Registry _registry;
    private readonly PolicyProvider _policy;
    private readonly ProxyCredentialResolver _credentials;
    private readonly SecretVault _vault;
    private readonly ProxyForwarder _forwarder;
    private readonly ProxyAudit _audit;
    private readonly McpGateway _mcp;
    private readonly McpAudit _mcpAudit;
    private readonly MandateOptions _mandate;
    private readonly ProxyOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<EgressProxy> _logger;

    public EgressProxy(Registry registry, PolicyProvider policy, ProxyCredentialResolver credentials, SecretVault vault, ProxyForwarder forwarder, ProxyAudit audit, McpGateway mcp, McpAudit mcpAudit, MandateOptions options, TimeProvider time, ILogger<EgressProxy> logger)
    {
        _mcp = mcp;
        _mcpAudit = mcpAudit;
        _mandate = options;
        _registry = registry;
        _policy = policy;
        _credentials = credentials;
        _vault = vault;
        _forwarder = forwarder;
        _audit = audit;
        _options = options.Proxy;
        _time = time;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext http)
    {
        var (rawTarget, misdirected) = ProxyRequestTarget.Resolve(http, _options.PublicOrigin);
        if (rawTarget is null)
        {
            // Addressed to another origin (or with userinfo): no call to a tool here, so no audit record; nothing fetched.
            await ProxyProblem.WriteAsync(http, misdirected!);
            return;
        }

        if (McpResourceMetadata.IsMetadataRequest(rawTarget))
        {
            // RFC 9728 documents are public, like the broker's own metadata: no credential, no audit record.
            await McpResourceMetadata.ServeAsync(http, rawTarget, _mandate.Tools, _mandate.Issuer, _mandate.SenderConstraint.Dpop.AllowedAlgorithms);
            return;
        }

        // The method is the caller's text (any token up to the request line limit): logged and audited capped.
        var call = new ProxyCall { Method = OAuthErrorText.Sanitize(http.Request.Method), Started = _time.GetUtcNow() };
        var clock = Stopwatch.StartNew();
        try
        {
            var refusal = await CheckAndForwardAsync(http, call, rawTarget);
            if (refusal is not null)
            {
                call.Refusal = refusal;
                call.Status = refusal.Status;
                if (!http.Response.HasStarted && refusal.Status != 499)
                {
                    await ProxyProblem.WriteAsync(http, refusal);
                }
            }
        }
        catch (StoreUnavailableException)
        {
            // Recorded below as refused; the host (StoreOutages) answers it, in this proxy's refusal shape.
            call.Refusal = ProxyRefusal.StoreUnavailable;
            call.Status = call.Refusal.Status;
            throw;
        }
        finally
        {
            // The record needs the final status and byte counts; the response completes only once it is durable.
            if (call.McpCall is { } mcpCall)
            {
                if (!mcpCall.Recorded)
                {
                    await _mcpAudit.RecordAsync(call, mcpCall, clock.Elapsed);
                }
            }
            else
            {
                await _audit.RecordAsync(call, clock.Elapsed);
            }

            if (call.CutOff)
            {
                http.Abort();
            }

            // Forwarded calls are worth a line each; refusals are what a hostile client produces by the thousand.
            if (call.Refusal is null)
            {
                LogCall(_logger, call.Method, call.Tool ?? "-", call.Status, call.Credential?.Jti ?? "-", "forwarded");
            }
            else
            {
                LogRefusedCall(_logger, call.Method, call.Tool ?? "-", call.Status, call.Credential?.Jti ?? "-", call.Refusal.Title);
            }
        }
    }

    private async Task<ProxyRefusal?> CheckAndForwardAsync(HttpContext http, ProxyCall call, string rawTarget)
    {
        if (ProxyTarget.TryParse(rawTarget, out var error) is not { } target)
        {
            return ProxyRefusal.BadRequest(ProxyChecks.TargetMalformed, error);
        }

        call.Target = target;
        if (ProxyRequestFraming.Refusal(http.Request) is { } badFraming)
        {
            return badFraming;
        }

        if (HttpMethods.IsConnect(http.Request.Method))
        {
            // RFC 9110 §9.3.6: CONNECT asks for a tunnel (and names an authority, not a path); a tunnel would bypass every check here.
            return ProxyRefusal.BadRequest(ProxyChecks.ConnectRefused, "CONNECT asks for a tunnel, which the proxy never opens (RFC 9110 section 9.3.6), so nothing was forwarded; call the tool's path with the method its API expects, e.g. GET /{tool}/v1/items");
        }

        if (http.Request.ContentLength > _options.MaxRequestBody)
        {
            return ProxyRefusal.TooLarge($"Content-Length {http.Request.ContentLength} exceeds proxy.max_request_body ({_options.MaxRequestBody} bytes); nothing was forwarded");
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            // Kestrel's own cap is only a backstop (it may count chunk framing); the exact limit is enforced while streaming.
            size.MaxRequestBodySize = (_options.MaxRequestBody * 2) + (64 * 1024);
        }

        var tool = _registry.FindTool(target.Tool);
        if (tool is null || tool.Name != target.Tool || tool.Upstream is null)
        {
            return ProxyRefusal.NotFound(ProxyChecks.ToolUnknown, "no proxied tool has the name in the first path segment; a tool is reachable here when mandate.yaml gives it an upstream");
        }

        call.Tool = tool.Name;
        if (tool.Kind is not (CredentialKind.Secret or CredentialKind.Jwt))
        {
            return ProxyRefusal.NotFound(ProxyChecks.ToolNotProxied, $"tool '{tool.Name}' is kind {tool.Kind.ToString().ToLowerInvariant()}, which the egress proxy does not inject; only secret and jwt tools are proxied");
        }

        if (tool.Mcp is not null)
        {
            return await _mcp.HandleAsync(http, call, tool, target);
        }

        var (credential, refusal) = await _credentials.ResolveAsync(http.Request, tool, call, http.RequestAborted);
        if (refusal is not null)
        {
            return refusal;
        }

        call.Rule = credential!.Rule;
        if (AllowList(credential.Rule, http.Request.Method, target) is { } denied)
        {
            // RFC 9449 §7.1: a credential presented as DPoP is challenged with the DPoP scheme.
            return credential.PresentedAsDpop ? denied with { DpopAlgorithms = _mandate.SenderConstraint.Dpop.AllowedAlgorithms } : denied;
        }

        if (!ProxyHeaders.TryReadMaxForwards(http.Request, out var hops))
        {
            // RFC 9110 §7.6.2: an intermediary MUST check and update Max-Forwards; a value it cannot read it cannot update.
            return ProxyRefusal.BadRequest(ProxyChecks.MaxForwardsInvalid, "Max-Forwards of this OPTIONS or TRACE is not one number (RFC 9110 section 7.6.2: 1*DIGIT, sent once), so the proxy forwarded nothing; send it once as a number, or not at all");
        }

        if (hops == 0)
        {
            // RFC 9110 §7.6.2: the last hop MUST NOT forward; the proxy answers as the final recipient.
            return ProxyRefusal.BadRequest(ProxyChecks.MaxForwardsExhausted, "Max-Forwards is 0, so the proxy is the last hop of this OPTIONS or TRACE and forwarded nothing; send Max-Forwards of 1 or more to reach the tool");
        }

        string header;
        string value;
        string? secret = null;
        if (tool.Kind == CredentialKind.Secret)
        {
            var (opened, version) = await _vault.OpenAsync(tool.Name, http.RequestAborted);
            if (opened is null)
            {
                return version < 0
                    ? ProxyRefusal.Unavailable(ProxyChecks.SecretUnreadable, $"the vaulted secret of tool '{tool.Name}' does not open for its version (another key-encryption key, or the stored row was altered or an older value put back over it); an operator sets it again with: mandate secrets set {tool.Name}")
                    : ProxyRefusal.Unavailable(ProxyChecks.SecretMissing, $"tool '{tool.Name}' has no vaulted secret; an operator stores one with: mandate secrets set {tool.Name}");
            }

            (secret, call.SecretVersion) = (opened, version);
            var injection = tool.Secret ?? new SecretInjectionOptions();
            (header, value) = (injection.Header, injection.Render(opened));
        }
        else
        {
            // kind jwt: the tool trusts Mandate's JWKS; it gets the (checked, audience-bound) credential itself.
            (header, value) = ("Authorization", "Bearer " + credential.Token);
            secret = credential.Token;
        }

        var upstream = new Uri(tool.Upstream.TrimEnd('/') + target.UpstreamPathAndQuery, UriKind.Absolute);
        call.Upstream = upstream.GetLeftPart(UriPartial.Authority);
        return await _forwarder.ForwardAsync(http, call, new ProxyUpstreamCall(upstream, header, value, _options.MaxRequestBody)
        {
            Relocation = new ProxyLocation(new Uri(tool.Upstream, UriKind.Absolute), "/" + tool.Name),
            InjectsAgentCredential = tool.Kind == CredentialKind.Jwt,
        }, new SecretScrubber(secret));
    }

    private ProxyRefusal? AllowList(string? ruleId, string method, ProxyTarget target)
    {
        var policy = _policy.Current;
        var rule = ruleId is null ? null : policy.Rules.FirstOrDefault(r => r.Id == ruleId);
        if (rule is null)
        {
            return ProxyRefusal.Forbidden(ProxyChecks.RuleMissing, ruleId is null
                ? "the rule that granted this credential is not on record; request a new credential"
                : $"rule '{ruleId}', which granted this credential, is not in the current policy ({policy.Version}); request a new credential");
        }

        if (rule.Http is null)
        {
            return ProxyRefusal.Forbidden(ProxyChecks.RuleWithoutHttp, $"rule '{rule.Id}' has no http allow-list, so no call is proxied for it; add the calls it needs (e.g. http: ['GET /v1/items/*']) to the rule");
        }

        return rule.AllowsHttp(method, target.Segments) is null
            ? ProxyRefusal.Forbidden(ProxyChecks.CallNotAllowed, $"the call's method and path are not in the http allow-list of rule '{rule.Id}' ({string.Join(", ", rule.Http)}); if this call is intended, add it (or a pattern) to that rule's http list; the audit record names the exact method and path")
            : null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy {Method} tool={Tool} status={Status} jti={Jti}: {Outcome}")]
    private static partial void LogCall(ILogger logger, string method, string tool, int status, string jti, string outcome);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Proxy {Method} tool={Tool} status={Status} jti={Jti}: refused, {Outcome}")]
    private static partial void LogRefusedCall(ILogger logger, string method, string tool, int status, string jti, string outcome);
}
