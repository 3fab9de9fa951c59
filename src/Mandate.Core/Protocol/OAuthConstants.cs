namespace Mandate.Core.Protocol;

/// <summary>Wire names, spelled as their RFCs spell them. One place, so a typo cannot hide.</summary>
public static class OAuthConstants
{
    public static class GrantTypes
    {
        public const string TokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange";
    }

    public static class TokenTypes
    {
        public const string Jwt = "urn:ietf:params:oauth:token-type:jwt";
        public const string AccessToken = "urn:ietf:params:oauth:token-type:access_token";
        public const string IdToken = "urn:ietf:params:oauth:token-type:id_token";

        /// <summary>A run token, shaped after the IETF Transaction Tokens draft.</summary>
        public const string TxnToken = "urn:ietf:params:oauth:token-type:txn_token";
    }

    public static class Parameters
    {
        public const string GrantType = "grant_type";
        public const string SubjectToken = "subject_token";
        public const string SubjectTokenType = "subject_token_type";
        public const string ActorToken = "actor_token";
        public const string ActorTokenType = "actor_token_type";
        public const string RequestedTokenType = "requested_token_type";
        public const string Resource = "resource";
        public const string Audience = "audience";
        public const string Scope = "scope";
        public const string Token = "token";
        public const string TokenTypeHint = "token_type_hint";
        /// <summary>Mandate extension: the tenant the agent acts in (must be allowed by policy; defaults to the user's).</summary>
        public const string Tenant = "tenant";
        /// <summary>Mandate extension: the agent invocation this credential belongs to (generated when absent).</summary>
        public const string Run = "run";

        /// <summary>Mandate extension: the lifetime the caller wants, in seconds; more than policy allows is refused, never granted.</summary>
        public const string RequestedLifetime = "requested_lifetime";
    }

    public static class Errors
    {
        public const string InvalidRequest = "invalid_request";
        public const string InvalidClient = "invalid_client";
        public const string InvalidGrant = "invalid_grant";
        public const string UnauthorizedClient = "unauthorized_client";
        public const string UnsupportedGrantType = "unsupported_grant_type";
        public const string InvalidScope = "invalid_scope";
        public const string InvalidTarget = "invalid_target";
        public const string AccessDenied = "access_denied";
        public const string UnsupportedTokenType = "unsupported_token_type";
        public const string TemporarilyUnavailable = "temporarily_unavailable";
        public const string ServerError = "server_error";
    }

    public static class Claims
    {
        public const string Issuer = "iss";
        public const string Subject = "sub";
        public const string Audience = "aud";
        public const string Expires = "exp";
        public const string IssuedAt = "iat";
        public const string NotBefore = "nbf";
        public const string JwtId = "jti";
        public const string ClientId = "client_id";
        public const string Scope = "scope";
        public const string Actor = "act";
        public const string Tenant = "tenant";
        public const string Run = "run";
        public const string PolicyVersion = "pol";
        public const string DecisionId = "dec";
        public const string MayAct = "may_act";

        /// <summary>Transaction Tokens draft: the transaction (here: run) id.</summary>
        public const string Transaction = "txn";
        public const string Purpose = "purp";
        public const string AuthorizationContext = "azd";
        public const string RequesterContext = "rctx";
    }

    public static class JwtTypes
    {
        /// <summary>RFC 9068 §2.1: access tokens in JWT format carry typ "at+jwt".</summary>
        public const string AccessToken = "at+jwt";

        /// <summary>Transaction Tokens draft: run tokens carry typ "txntoken+jwt".</summary>
        public const string RunToken = "txntoken+jwt";
    }
}
