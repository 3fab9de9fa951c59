using Mandate.Core.Configuration;
using Mandate.Core.Grants;
using Mandate.Core.Introspection;
using Mandate.Core.Protocol;
using Mandate.Core.Revocation;
using Mandate.SenderConstraint;
using Microsoft.AspNetCore.Http;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;

namespace Mandate.Server.Proxy;

/// <summary>
/// Establishes the credential for one proxied call: either the Mandate credential the agent presents
/// (Authorization: Bearer or DPoP, read as resource servers read it), or one the proxy obtains by exchanging the agent's run token through the
/// tool-credential grant (decided, recorded and audited like any other exchange). Either way the
/// credential is then verified here: signature and issuer, expiry, audience = this tool, not revoked (checked
/// on every call), and presented by its holder when it is sender-constrained.
/// </summary>
internal sealed class ProxyCredentialResolver
{
    /// <summary>RFC 6750 §2.3's URI query parameter.</summary>
    private const string QueryCredential = "access_token";

    private readonly IssuedTokenValidator _validator;
    private readonly PrincipalStanding _standing;
    private readonly ToolCredentialGrant _exchange;
    private readonly ProxyGrantingRules _rules;
    private readonly ProxySenderConstraint _senderConstraint;
    private readonly Uri? _publicOrigin;

    public ProxyCredentialResolver(IssuedTokenValidator validator, PrincipalStanding standing, ToolCredentialGrant exchange, ProxyGrantingRules rules, ProxySenderConstraint senderConstraint, MandateOptions options)
    {
        _publicOrigin = options.Proxy.PublicOrigin;
        _validator = validator;
        _standing = standing;
        _exchange = exchange;
        _rules = rules;
        _senderConstraint = senderConstraint;
    }

    public async Task<(ProxyCredential? Credential, ProxyRefusal? Refusal)> ResolveAsync(HttpRequest request, ToolOptions tool, ProxyCall call, CancellationToken cancellationToken)
    {
        if (request.Query.ContainsKey(QueryCredential))
        {
            // RFC 6750 §2.3 (the query is not a place for credentials); the query goes upstream as it came, so the agent's
            // credential would reach the tool beside the one injected (MCP security: no token passthrough).
            return (null, ProxyRefusal.MalformedCredential($"the credential goes in the Authorization header only; a query access_token would be forwarded to tool '{tool.Name}', so nothing was forwarded: drop access_token from the URL"));
        }

        string token;
        string? rule = null;
        var presentedAsDpop = false;
        if (request.Headers.ContainsKey(ProxyHeaders.RunToken))
        {
            call.Mode = "run_token";
            var (minted, mintedRule, refusal) = await ExchangeRunTokenAsync(request, tool, cancellationToken);
            if (refusal is not null)
            {
                return (null, refusal);
            }

            (token, rule) = (minted!, mintedRule);
        }
        else if (PresentedCredential.Read(request.Headers.Authorization, out var malformed) is { } presented)
        {
            (token, presentedAsDpop) = (presented.Token, presented.IsDpop);
        }
        else if (malformed is not null)
        {
            // RFC 6750 §3.1: two credentials or a malformed one is invalid_request (400), as at resource servers.
            return (null, ProxyRefusal.MalformedCredential(malformed));
        }
        else
        {
            return (null, ProxyRefusal.CredentialMissing("send the tool credential as 'Authorization: Bearer <credential>' (or 'DPoP <credential>' with a DPoP proof when it is DPoP-bound), or your run token as 'Mandate-Run-Token' with 'Mandate-Actor-Token' and 'Mandate-Scope'"));
        }

        // RFC 9449 §7.1: a credential presented with the DPoP scheme is refused with a DPoP challenge.
        var dpopAlgorithms = presentedAsDpop ? _senderConstraint.DpopAlgorithms : null;
        var (issued, reason) = await _validator.ValidateAsync(token, allowExpired: false);
        if (issued is null || reason.Length > 0)
        {
            return (null, ProxyRefusal.InvalidToken(ProxyChecks.CredentialInvalid, $"the credential is not a valid Mandate credential ({(reason.Length > 0 ? reason : "invalid")}); obtain a fresh one from /oauth2/token") with { DpopAlgorithms = dpopAlgorithms });
        }

        call.Credential = issued;
        if (!string.Equals(issued.Audience, tool.Resource, StringComparison.Ordinal))
        {
            return (null, ProxyRefusal.InvalidToken(ProxyChecks.AudienceMismatch, $"the credential's audience is not tool '{tool.Name}' ({tool.Resource}); request a credential with resource={tool.Resource}") with { DpopAlgorithms = dpopAlgorithms });
        }

        // Revocation bites on the next request: the in-memory list is updated as revocations commit; a sub-run's
        // credential is also covered by a revocation of an ancestor run.
        if (await _standing.CoveringCredentialAsync(issued.Facts, cancellationToken) is { } revocation)
        {
            return (null, ProxyRefusal.InvalidToken(ProxyChecks.CredentialRevoked, $"the credential was revoked ({revocation.Target.ToString().ToLowerInvariant()} revocation {revocation.Id}); start a new run or ask an operator") with { DpopAlgorithms = dpopAlgorithms });
        }

        // RFC 9449 §4.3 step 9: htu is the URL the agent called. An MCP tool's resource is the URL agents reach the gateway
        // at (RFC 9728 §3.1); a plain call's is proxy.public_origin when set, so a Host the agent chose cannot stand in for it.
        var publicOrigin = tool.Mcp is null ? _publicOrigin : Uri.TryCreate(tool.Resource, UriKind.Absolute, out var resource) ? resource : null;
        if (await _senderConstraint.CheckAsync(request, token, presentedAsDpop, publicOrigin, cancellationToken, mcp: tool.Mcp is not null) is { } notHolder)
        {
            return (null, notHolder);
        }

        rule ??= await _rules.FindAsync(issued, cancellationToken);
        return (new ProxyCredential(token, issued, rule, presentedAsDpop), null);
    }

    private async Task<(string? Token, string? Rule, ProxyRefusal? Refusal)> ExchangeRunTokenAsync(HttpRequest request, ToolOptions tool, CancellationToken cancellationToken)
    {
        var runToken = Single(request, ProxyHeaders.RunToken);
        var actor = Single(request, ProxyHeaders.ActorToken);
        var scope = Single(request, ProxyHeaders.Scope);
        if (runToken is null || actor is null || scope is null)
        {
            // RFC 6750 §3.1: a missing or repeated parameter is invalid_request (400), not a bad credential.
            return (null, null, ProxyRefusal.MalformedCredential("run-token mode needs exactly one each of Mandate-Run-Token, Mandate-Actor-Token (your JWT-SVID) and Mandate-Scope", ProxyChecks.RunTokenHeaders));
        }

        // The tool-credential grant itself, with the request the proxy built: decided, recorded and audited like any exchange.
        var result = await _exchange.HandleAsync(new TokenRequest(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [P.GrantType] = OAuthConstants.GrantTypes.TokenExchange,
            [P.SubjectToken] = runToken,
            [P.SubjectTokenType] = OAuthConstants.TokenTypes.TxnToken,
            [P.ActorToken] = actor,
            [P.ActorTokenType] = OAuthConstants.TokenTypes.Jwt,
            [P.Resource] = tool.Resource,
            [P.Scope] = scope,
        }), cancellationToken);
        return result.Failed(out var error, out var response)
            ? (null, null, ProxyRefusal.FromExchange(error))
            : (response.AccessToken, response.Rule, null);
    }

    private static string? Single(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var v) && v.Count == 1 && !string.IsNullOrWhiteSpace(v[0]) ? v[0]!.Trim() : null;
}
