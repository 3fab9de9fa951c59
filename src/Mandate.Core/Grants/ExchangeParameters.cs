using System.Text.RegularExpressions;
using Mandate.Core.Credentials;
using Mandate.Core.Protocol;
using T = Mandate.Core.Protocol.OAuthConstants.TokenTypes;

namespace Mandate.Core.Grants;

/// <summary>
/// The first stage of a token exchange: rejects requests that are not a well-formed RFC 8693 token exchange
/// before any token is parsed. Both exchange grants run the common rules, then their own.
/// </summary>
public static partial class ExchangeParameters
{
    private static readonly string[] SubjectTokenTypes = [T.Jwt, T.AccessToken, T.IdToken, T.TxnToken];

    /// <summary>Longest lifetime a caller may even ask for; the policy and the caps decide what it gets.</summary>
    private const int MaxRequestedLifetimeSeconds = 86_400;

    /// <summary>True when the request asks for a run token (<c>requested_token_type=...:txn_token</c>).</summary>
    public static bool AsksForRunToken(TokenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.RequestedTokenType == T.TxnToken;
    }

    /// <summary>The refusal of a request whose grant_type no handler takes.</summary>
    public static OAuthError GrantTypeRefusal(string? grantType) => grantType is null
        ? RequestChecks.GrantTypeMissing.Refuse("grant_type is required; use urn:ietf:params:oauth:grant-type:token-exchange")
        : RequestChecks.GrantTypeUnsupported.Refuse($"Mandate supports grant_type={OAuthConstants.GrantTypes.TokenExchange} (RFC 8693), and {OAuthConstants.GrantTypes.Ciba} to collect a credential a human approved");

    /// <summary>Null when <paramref name="r"/> is a well-formed exchange for what it asks (a tool credential or a run token).</summary>
    public static OAuthError? Check(TokenRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return CheckCommon(r) ?? (AsksForRunToken(r) ? CheckRunToken(r) : CheckToolCredential(r));
    }

    /// <summary>Null when Mandate attests subject tokens of this type (at the exchange and the approval poll); else the refusal.</summary>
    internal static OAuthError? SubjectTokenTypeRefusal(string type) => SubjectTokenTypes.Contains(type)
        ? null
        : RequestChecks.SubjectTokenType.Refuse("subject_token_type must be urn:ietf:params:oauth:token-type:jwt, :access_token, :id_token or :txn_token (a run token)");

    private static OAuthError? CheckCommon(TokenRequest r)
    {
        if (r.GrantType != OAuthConstants.GrantTypes.TokenExchange)
        {
            return GrantTypeRefusal(r.GrantType);
        }

        // RFC 8693 §2.1: subject_token and subject_token_type are both REQUIRED; an empty value counts as absent.
        if (string.IsNullOrEmpty(r.SubjectToken) || string.IsNullOrEmpty(r.SubjectTokenType))
        {
            return RequestChecks.SubjectTokenMissing.Refuse("subject_token and subject_token_type are required: the user's token, or the agent's own identity for background work");
        }

        if (SubjectTokenTypeRefusal(r.SubjectTokenType) is { } badType)
        {
            return badType;
        }

        // Mandate requires the agent's workload identity on every exchange: no anonymous callers, no shared keys.
        // Over mutual TLS the X.509-SVID is that identity (RFC 8705 §2), so actor_token may be omitted.
        if (string.IsNullOrEmpty(r.ActorToken) && r.Binding.CertificateIdentity is null)
        {
            return RequestChecks.ActorTokenMissing.Refuse("actor_token is required: present the agent's workload identity (a JWT-SVID), or call over mutual TLS with its X.509-SVID");
        }

        // RFC 8693 §2.1: actor_token_type is REQUIRED when actor_token is present "but MUST NOT be included
        // otherwise". An empty actor_token counts as absent (RFC 6749 §3.2), also when a client certificate
        // identifies the agent: a type naming no token is a malformed request, not a harmless extra.
        if (string.IsNullOrEmpty(r.ActorToken) && !string.IsNullOrEmpty(r.ActorTokenType))
        {
            return RequestChecks.ActorTokenTypeAlone.Refuse("actor_token_type was sent without actor_token; send both, or neither when the client certificate identifies the agent (RFC 8693 section 2.1)");
        }

        if (!string.IsNullOrEmpty(r.ActorToken) && r.ActorTokenType != T.Jwt)
        {
            return RequestChecks.ActorTokenType.Refuse("actor_token_type must be urn:ietf:params:oauth:token-type:jwt when actor_token is sent (RFC 8693 section 2.1)");
        }

        if (r.RequestedTokenType is { } requested && requested is not (T.AccessToken or T.Jwt or T.TxnToken
            or CredentialTokenTypes.IdToken or CredentialTokenTypes.PostgresCredentials or CredentialTokenTypes.X509Certificate))
        {
            return RequestChecks.RequestedTokenType.Refuse("requested_token_type must be urn:ietf:params:oauth:token-type:access_token or :jwt (a tool credential, the default), :txn_token (a run token), or the type the tool's kind issues (:id_token, urn:mandate:params:oauth:token-type:postgres-credentials or :x509-certificate)");
        }

        if (r.Scope is { } scope && !string.IsNullOrWhiteSpace(scope) && !ScopePattern().IsMatch(scope))
        {
            // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), space-delimited.
            return RequestChecks.ScopeMalformed.Refuse("scope must be space-separated tokens of printable ASCII without quotes or backslashes");
        }

        if (r.Tenant is { } tenant && !NamePattern().IsMatch(tenant))
        {
            return RequestChecks.TenantMalformed.Refuse("tenant must be 1-128 characters of letters, digits, '.', '_', ':' or '-'");
        }

        if (r.RequestedLifetimeText is { } lifetime
            && (!int.TryParse(lifetime, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds < 1 || seconds > MaxRequestedLifetimeSeconds))
        {
            return RequestChecks.RequestedLifetime.Refuse($"requested_lifetime must be a whole number of seconds from 1 to {MaxRequestedLifetimeSeconds}");
        }

        return null;
    }

    private static OAuthError? CheckRunToken(TokenRequest r)
    {
        if (r.Resource is not null || r.Audience is not null)
        {
            return RequestChecks.TargetInRunRequest.Refuse("a run token is not for one tool; omit resource and audience and list the run's operations in scope");
        }

        if (r.Scope is { } scope && string.IsNullOrWhiteSpace(scope))
        {
            // RFC 6749 §3.3: whitespace alone holds no scope-token. A run would read it as a scope named '' (or the
            // separator itself); a tool credential request reads it as a missing scope instead (CheckToolCredential).
            return RequestChecks.ScopeMalformed.Refuse("scope must be space-separated tokens of printable ASCII without quotes or backslashes");
        }

        if (r.Run is not null)
        {
            return RequestChecks.RunInRunRequest.Refuse("run ids are assigned by Mandate when a run starts; omit the run parameter");
        }

        return null;
    }

    private static OAuthError? CheckToolCredential(TokenRequest r)
    {
        if (r.Resource is null && r.Audience is null)
        {
            return RequestChecks.TargetMissing.Refuse("name the tool with resource (its URI) or audience (its name)");
        }

        if (r.Resource is { } resource && !ResourceUri.IsValid(resource))
        {
            // RFC 8707 §2: resource is an absolute URI without a fragment.
            return RequestChecks.ResourceMalformed.Refuse("resource must be an absolute URI without a fragment");
        }

        if (r.Resource is { } res && r.Audience is { } aud && res != aud)
        {
            // They may spell one tool two ways (its URI, its name): say what to send, not that they name two tools.
            return RequestChecks.TargetsDiffer.Refuse("resource and audience differ: a credential is for exactly one tool, so name the tool once, with resource (its URI) or audience (its name)");
        }

        if (string.IsNullOrWhiteSpace(r.Scope))
        {
            return RequestChecks.ScopeMissing.Refuse("scope is required: name the operations this tool call needs (least privilege, no implicit defaults)");
        }

        if (r.Run is { } run && !NamePattern().IsMatch(run))
        {
            return RequestChecks.RunMalformed.Refuse("run must be 1-128 characters of letters, digits, '.', '_', ':' or '-'");
        }

        return null;
    }

    // \z, not $: in .NET, $ also matches before a final "\n", which would let "read\n" through.
    [GeneratedRegex(@"^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*\z")]
    private static partial Regex ScopePattern();

    [GeneratedRegex(@"^[A-Za-z0-9._:\-]{1,128}\z")]
    private static partial Regex NamePattern();
}
