namespace Mandate.Core.Protocol;

/// <summary>Wire names, spelled as their RFCs spell them. One place, so a typo cannot hide.</summary>
public static class OAuthConstants
{
    public static class GrantTypes
    {
        public const string TokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange";

        /// <summary>OpenID CIBA §10.1: poll for the result of a pending request (Mandate: a human approval).</summary>
        public const string Ciba = "urn:openid:params:grant-type:ciba";
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
        /// <summary>RFC 9396 §2: fine-grained authorization data (a JSON array of objects with a type).</summary>
        public const string AuthorizationDetails = "authorization_details";
        /// <summary>Mandate extension: what the request works on (e.g. repo@commit), for evidence gates.</summary>
        public const string EvidenceSubject = "evidence_subject";
        /// <summary>OpenID CIBA §7.1: the id of a pending authentication (here: approval) request.</summary>
        public const string AuthReqId = "auth_req_id";

        /// <summary>Mandate extension: the lifetime the caller wants, in seconds; more than policy allows is refused, never granted.</summary>
        public const string RequestedLifetime = "requested_lifetime";

        /// <summary>RFC 6749 §3.2.1: the client identifying itself; here it must be the workload that authenticated.</summary>
        public const string ClientId = "client_id";

        /// <summary>RFC 6749 §2.3.1 and RFC 7521 §4.2: client authentication methods Mandate does not accept.</summary>
        public const string ClientSecret = "client_secret";
        public const string ClientAssertion = "client_assertion";
        public const string ClientAssertionType = "client_assertion_type";
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
        /// <summary>RFC 9396 §5: authorization_details malformed or not acceptable for the tool.</summary>
        public const string InvalidAuthorizationDetails = "invalid_authorization_details";
        /// <summary>CIBA §11: the human has not answered yet; poll again after the interval.</summary>
        public const string AuthorizationPending = "authorization_pending";
        /// <summary>CIBA §11: polling faster than the interval; add 5 seconds to it.</summary>
        public const string SlowDown = "slow_down";
        /// <summary>CIBA §11: the auth_req_id has expired.</summary>
        public const string ExpiredToken = "expired_token";
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
        /// <summary>RFC 9396 §9.1: the granted authorization details.</summary>
        public const string AuthorizationDetails = "authorization_details";
        /// <summary>Mandate: the human approval the credential was issued on, <c>{id, approver}</c>.</summary>
        public const string Approval = "approval";
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
