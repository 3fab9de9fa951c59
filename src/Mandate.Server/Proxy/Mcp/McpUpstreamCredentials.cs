using System.Collections.Concurrent;
using Mandate.Core.Configuration;
using Mandate.Core.Issuance;
using Mandate.Core.Minting;
using Mandate.Core.Protocol;

namespace Mandate.Server.Proxy.Mcp;

/// <summary>
/// The credential the gateway presents to a kind jwt MCP server: a fresh Mandate access token with audience
/// <c>mcp.upstream_resource</c>, the scopes the configuration names for the call (never more than the caller's own:
/// attenuation only), the caller's agent, chain, user, tenant and run, and a lifetime of at most 60 seconds and never
/// past the caller's own expiry. It is issued through the Issue stage, so its issuance record is durable before it is
/// used (invariant 2), and cached per caller credential and scope until shortly before it expires.
/// </summary>
internal sealed class McpUpstreamCredentials
{
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromSeconds(60);

    // A cached credential is not handed out for its last seconds: it must outlive the upstream's own check.
    private static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(5);

    private const int MaxCached = 10_000;

    private readonly IssueStage _issue;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (string Token, string Jti, DateTimeOffset ExpiresAt)> _cache = new(StringComparer.Ordinal);

    // Concurrent first calls of one caller share one issuance instead of each minting (and recording) its own.
    // (Lazy: GetOrAdd may run a factory twice under a race; only one Lazy's value is ever started.)
    private readonly ConcurrentDictionary<string, Lazy<Task<(string? Token, string? Jti, ProxyRefusal? Refusal)>>> _issuing = new(StringComparer.Ordinal);

    public McpUpstreamCredentials(IssueStage issue, TimeProvider time)
    {
        _issue = issue;
        _time = time;
    }

    /// <summary>The upstream token and its jti, or the refusal when it could not be issued and recorded.</summary>
    public async Task<(string? Token, string? Jti, ProxyRefusal? Refusal)> GetAsync(ProxyCredential caller, ToolOptions tool, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var key = caller.Claims.Jti + "\n" + string.Join(' ', scopes);
        if (_cache.TryGetValue(key, out var hit) && hit.ExpiresAt - RenewBefore > now)
        {
            return (hit.Token, hit.Jti, null);
        }

        var issuing = _issuing.GetOrAdd(key, _ => new Lazy<Task<(string?, string?, ProxyRefusal?)>>(() => IssueAsync(key, caller, tool, scopes, now)));
        try
        {
            return await issuing.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            _issuing.TryRemove(KeyValuePair.Create(key, issuing));
        }
    }

    /// <summary>
    /// Issues and remembers one upstream credential. Not cancelled by the first caller: others may be waiting on it,
    /// and the store's own timeouts bound it.
    /// </summary>
    private async Task<(string? Token, string? Jti, ProxyRefusal? Refusal)> IssueAsync(string key, ProxyCredential caller, ToolOptions tool, IReadOnlyList<string> scopes, DateTimeOffset now)
    {
        var claims = Claims(caller, tool.Mcp!.UpstreamResource!, scopes, now);
        var evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["gateway"] = "mcp",
            ["caller_jti"] = caller.Claims.Jti,
            ["requested_scope"] = claims.Scope,
        };
        var grounds = new IssuanceGrounds(evidence, tool.Name, caller.Claims.User, caller.Rule, $"MCP gateway: upstream credential for the calls of {caller.Claims.Jti} to {tool.Name}");
        var upstreamTool = tool with { Resource = claims.Audience, Kind = CredentialKind.Jwt };
        var result = await _issue.CredentialAsync(new CredentialIssue(claims, upstreamTool, grounds) { Rule = caller.Rule }, CancellationToken.None);
        if (result.Failed(out var error, out var response))
        {
            var refusal = ProxyRefusal.Unavailable(error.CheckId ?? ProxyChecks.UpstreamFailed, $"the gateway could not obtain the MCP server's credential ({error.Error}): {error.Description}");
            return (null, null, refusal);
        }

        Remember(key, (response.AccessToken, claims.Jti, claims.ExpiresAt), now);
        return (response.AccessToken, claims.Jti, null);
    }

    private static CredentialClaims Claims(ProxyCredential caller, string audience, IReadOnlyList<string> scopes, DateTimeOffset now)
    {
        var c = caller.Claims;
        var expires = now + MaxLifetime < c.ExpiresAt ? now + MaxLifetime : c.ExpiresAt;
        return new CredentialClaims
        {
            Jti = Ids.New("jti", now),
            Subject = c.Subject,
            Audience = audience,
            Agent = c.Agent,
            Actors = c.Actors ?? [c.Agent],
            Scopes = scopes,
            Tenant = c.Tenant,
            Run = c.Run,
            PolicyVersion = c.PolicyVersion,
            DecisionId = c.DecisionId,
            IssuedAt = now,
            ExpiresAt = expires,
        };
    }

    private void Remember(string key, (string, string, DateTimeOffset ExpiresAt) entry, DateTimeOffset now)
    {
        if (_cache.Count >= MaxCached)
        {
            foreach (var (k, v) in _cache)
            {
                if (v.ExpiresAt <= now)
                {
                    _cache.TryRemove(k, out _);
                }
            }
        }

        if (_cache.Count < MaxCached)
        {
            _cache[key] = entry;
        }
    }
}
