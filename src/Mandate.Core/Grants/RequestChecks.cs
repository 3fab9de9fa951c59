using Mandate.Core.Protocol;
using E = Mandate.Core.Protocol.OAuthConstants.Errors;

namespace Mandate.Core.Grants;

/// <summary>Stable ids of the checks on a token request's parameters, before any token is parsed.</summary>
public static class RequestChecks
{
    public static readonly Check GrantTypeMissing = new("request.grant_type_missing", E.InvalidRequest);
    public static readonly Check GrantTypeUnsupported = new("request.grant_type_unsupported", E.UnsupportedGrantType);
    public static readonly Check SubjectTokenMissing = new("request.subject_token_missing", E.InvalidRequest);
    public static readonly Check SubjectTokenType = new("request.subject_token_type", E.InvalidRequest);
    public static readonly Check ActorTokenMissing = new("request.actor_token_missing", E.InvalidRequest);
    public static readonly Check ActorTokenTypeAlone = new("request.actor_token_type_alone", E.InvalidRequest);
    public static readonly Check ActorTokenType = new("request.actor_token_type", E.InvalidRequest);
    public static readonly Check RequestedTokenType = new("request.requested_token_type", E.InvalidRequest);
    public static readonly Check RequestedTokenTypeOfAnotherKind = new("request.requested_token_type_not_issued", E.InvalidRequest);
    public static readonly Check ScopeMalformed = new("request.scope_malformed", E.InvalidScope);
    public static readonly Check ScopeMissing = new("request.scope_missing", E.InvalidScope);
    public static readonly Check TenantMalformed = new("request.tenant_malformed", E.InvalidRequest);
    public static readonly Check RunMalformed = new("request.run_malformed", E.InvalidRequest);
    public static readonly Check RequestedLifetime = new("request.requested_lifetime", E.InvalidRequest);
    public static readonly Check TargetInRunRequest = new("request.target_in_run_request", E.InvalidTarget);
    public static readonly Check RunInRunRequest = new("request.run_in_run_request", E.InvalidRequest);
    public static readonly Check TargetMissing = new("request.target_missing", E.InvalidTarget);
    public static readonly Check ResourceMalformed = new("request.resource_malformed", E.InvalidTarget);
    public static readonly Check TargetsDiffer = new("request.targets_differ", E.InvalidTarget);
    public static readonly Check TargetRepeated = new("request.target_repeated", E.InvalidTarget);
}
