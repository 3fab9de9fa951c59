using System.Text.RegularExpressions;
using Mandate.Core.Protocol;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;
using T = Mandate.Core.Protocol.OAuthConstants.TokenTypes;

namespace Mandate.Core.Exchange.Steps;

/// <summary>Rejects requests that are not a well-formed RFC 8693 token exchange before any token is parsed.</summary>
public sealed partial class ValidateExchangeParameters : IExchangeStep
{
    private static readonly string[] SubjectTokenTypes = [T.Jwt, T.AccessToken, T.IdToken, T.TxnToken];

    /// <summary>Longest lifetime a caller may even ask for; the policy and the caps decide what it gets.</summary>
    private const int MaxRequestedLifetimeSeconds = 86_400;

    public ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var r = context.Request;
        var error = CheckCommon(r) ?? (r[P.RequestedTokenType] == T.TxnToken ? CheckRunToken(r) : CheckToolCredential(r));
        if (error is not null)
        {
            context.Reject(error);
            return ValueTask.CompletedTask;
        }

        context.Kind = r[P.RequestedTokenType] == T.TxnToken ? ExchangeKind.RunToken : ExchangeKind.ToolCredential;
        if (r[P.RequestedLifetime] is { } lifetime)
        {
            context.RequestedLifetime = TimeSpan.FromSeconds(int.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture));
        }

        return ValueTask.CompletedTask;
    }

    private static OAuthError? CheckCommon(TokenExchangeRequest r)
    {
        var grantType = r[P.GrantType];
        if (grantType is null)
        {
            return OAuthError.InvalidRequest("grant_type is required; use urn:ietf:params:oauth:grant-type:token-exchange");
        }

        if (grantType != OAuthConstants.GrantTypes.TokenExchange)
        {
            return new OAuthError(OAuthConstants.Errors.UnsupportedGrantType, "Mandate supports only grant_type=urn:ietf:params:oauth:grant-type:token-exchange (RFC 8693)");
        }

        // RFC 8693 §2.1: subject_token and subject_token_type are both REQUIRED; an empty value counts as absent.
        if (string.IsNullOrEmpty(r[P.SubjectToken]) || string.IsNullOrEmpty(r[P.SubjectTokenType]))
        {
            return OAuthError.InvalidRequest("subject_token and subject_token_type are required: the user's token, or the agent's own identity for background work");
        }

        if (!SubjectTokenTypes.Contains(r[P.SubjectTokenType]))
        {
            return OAuthError.InvalidRequest("subject_token_type must be urn:ietf:params:oauth:token-type:jwt, :access_token, :id_token or :txn_token (a run token)");
        }

        // Mandate requires the agent's workload identity on every exchange: no anonymous callers, no shared keys.
        // Over mutual TLS the X.509-SVID is that identity (RFC 8705 §2), so actor_token may be omitted.
        if (string.IsNullOrEmpty(r[P.ActorToken]) && r.Binding.CertificateIdentity is null)
        {
            return OAuthError.InvalidRequest("actor_token is required: present the agent's workload identity (a JWT-SVID), or call over mutual TLS with its X.509-SVID");
        }

        // RFC 8693 §2.1: actor_token_type is REQUIRED when actor_token is present "but MUST NOT be included
        // otherwise". An empty actor_token counts as absent (RFC 6749 §3.2), also when a client certificate
        // identifies the agent: a type naming no token is a malformed request, not a harmless extra.
        if (string.IsNullOrEmpty(r[P.ActorToken]) && !string.IsNullOrEmpty(r[P.ActorTokenType]))
        {
            return OAuthError.InvalidRequest("actor_token_type was sent without actor_token; send both, or neither when the client certificate identifies the agent (RFC 8693 section 2.1)");
        }

        if (!string.IsNullOrEmpty(r[P.ActorToken]) && r[P.ActorTokenType] != T.Jwt)
        {
            return OAuthError.InvalidRequest("actor_token_type must be urn:ietf:params:oauth:token-type:jwt when actor_token is sent (RFC 8693 section 2.1)");
        }

        if (r[P.RequestedTokenType] is { } requested && requested is not (T.AccessToken or T.Jwt or T.TxnToken))
        {
            return OAuthError.InvalidRequest("requested_token_type must be urn:ietf:params:oauth:token-type:access_token (a tool credential, the default) or :txn_token (a run token)");
        }

        if (r[P.Scope] is { } scope && !string.IsNullOrWhiteSpace(scope) && !ScopePattern().IsMatch(scope))
        {
            // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), space-delimited.
            return OAuthError.InvalidScope("scope must be space-separated tokens of printable ASCII without quotes or backslashes");
        }

        if (r[P.Tenant] is { } tenant && !NamePattern().IsMatch(tenant))
        {
            return OAuthError.InvalidRequest("tenant must be 1-128 characters of letters, digits, '.', '_', ':' or '-'");
        }

        if (r[P.RequestedLifetime] is { } lifetime
            && (!int.TryParse(lifetime, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds < 1 || seconds > MaxRequestedLifetimeSeconds))
        {
            return OAuthError.InvalidRequest($"requested_lifetime must be a whole number of seconds from 1 to {MaxRequestedLifetimeSeconds}");
        }

        return null;
    }

    private static OAuthError? CheckRunToken(TokenExchangeRequest r)
    {
        if (r[P.Resource] is not null || r[P.Audience] is not null)
        {
            return OAuthError.InvalidTarget("a run token is not for one tool; omit resource and audience and list the run's operations in scope");
        }

        if (r[P.Run] is not null)
        {
            return OAuthError.InvalidRequest("run ids are assigned by Mandate when a run starts; omit the run parameter");
        }

        return null;
    }

    private static OAuthError? CheckToolCredential(TokenExchangeRequest r)
    {
        if (r[P.Resource] is null && r[P.Audience] is null)
        {
            return OAuthError.InvalidTarget("name the tool with resource (its URI) or audience (its name)");
        }

        if (r[P.Resource] is { } resource && !ResourceUri.IsValid(resource))
        {
            // RFC 8707 §2: resource is an absolute URI without a fragment.
            return OAuthError.InvalidTarget("resource must be an absolute URI without a fragment");
        }

        if (r[P.Resource] is { } res && r[P.Audience] is { } aud && res != aud)
        {
            return OAuthError.InvalidTarget("resource and audience name different tools; a credential is for exactly one tool");
        }

        if (string.IsNullOrWhiteSpace(r[P.Scope]))
        {
            return OAuthError.InvalidScope("scope is required: name the operations this tool call needs (least privilege, no implicit defaults)");
        }

        if (r[P.Run] is { } run && !NamePattern().IsMatch(run))
        {
            return OAuthError.InvalidRequest("run must be 1-128 characters of letters, digits, '.', '_', ':' or '-'");
        }

        return null;
    }

    // \z, not $: in .NET, $ also matches before a final "\n", which would let "read\n" through.
    [GeneratedRegex(@"^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*\z")]
    private static partial Regex ScopePattern();

    [GeneratedRegex(@"^[A-Za-z0-9._:\-]{1,128}\z")]
    private static partial Regex NamePattern();
}
