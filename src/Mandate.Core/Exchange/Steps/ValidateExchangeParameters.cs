using System.Text.RegularExpressions;
using Mandate.Core.Protocol;
using P = Mandate.Core.Protocol.OAuthConstants.Parameters;
using T = Mandate.Core.Protocol.OAuthConstants.TokenTypes;

namespace Mandate.Core.Exchange.Steps;

/// <summary>Rejects requests that are not a well-formed RFC 8693 token exchange before any token is parsed.</summary>
public sealed partial class ValidateExchangeParameters : IExchangeStep
{
    private static readonly string[] IdentityTokenTypes = [T.Jwt, T.AccessToken, T.IdToken];

    public ValueTask ExecuteAsync(ExchangeContext context, CancellationToken cancellationToken)
    {
        var error = Check(context.Request);
        if (error is not null)
        {
            context.Reject(error);
        }

        return ValueTask.CompletedTask;
    }

    private static OAuthError? Check(TokenExchangeRequest r)
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

        // RFC 8693 §2.1: subject_token and subject_token_type are REQUIRED.
        if (string.IsNullOrEmpty(r[P.SubjectToken]) || string.IsNullOrEmpty(r[P.SubjectTokenType]))
        {
            return OAuthError.InvalidRequest("subject_token and subject_token_type are required: the user's token, or the agent's own identity for background work");
        }

        if (!IdentityTokenTypes.Contains(r[P.SubjectTokenType]))
        {
            return OAuthError.InvalidRequest("subject_token_type must be urn:ietf:params:oauth:token-type:jwt, :access_token or :id_token");
        }

        // Mandate requires the agent's workload identity on every exchange: no anonymous callers, no shared keys.
        if (string.IsNullOrEmpty(r[P.ActorToken]))
        {
            return OAuthError.InvalidRequest("actor_token is required: present the agent's workload identity (a JWT-SVID)");
        }

        // RFC 8693 §2.1: actor_token_type is REQUIRED when actor_token is present.
        if (r[P.ActorTokenType] != T.Jwt)
        {
            return OAuthError.InvalidRequest("actor_token_type must be urn:ietf:params:oauth:token-type:jwt");
        }

        if (r[P.RequestedTokenType] is { } requested && requested is not (T.AccessToken or T.Jwt))
        {
            return OAuthError.InvalidRequest("requested_token_type must be urn:ietf:params:oauth:token-type:access_token (or omitted)");
        }

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

        // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), space-delimited.
        if (!ScopePattern().IsMatch(r[P.Scope]!))
        {
            return OAuthError.InvalidScope("scope must be space-separated tokens of printable ASCII without quotes or backslashes");
        }

        if (r[P.Tenant] is { } tenant && !NamePattern().IsMatch(tenant))
        {
            return OAuthError.InvalidRequest("tenant must be 1-128 characters of letters, digits, '.', '_', ':' or '-'");
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
