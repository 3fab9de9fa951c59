namespace Mandate.Server.Telemetry;

/// <summary>The attribute names Mandate puts on its spans and metrics (docs/telemetry.md lists them).</summary>
public static class SpanAttributes
{
    public const string Kind = "mandate.audit.kind";
    public const string Outcome = "mandate.outcome";
    public const string Agent = "mandate.agent";
    public const string Run = "mandate.run";
    public const string ParentRun = "mandate.run.parent";
    public const string Tenant = "mandate.tenant";
    public const string User = "mandate.user";
    public const string Tool = "mandate.tool";
    public const string Scope = "mandate.scope";
    public const string PolicyVersion = "mandate.policy.version";
    public const string Rule = "mandate.rule";
    public const string DecisionId = "mandate.decision";
    public const string Jti = "mandate.credential.jti";
    public const string Expires = "mandate.credential.expires";
    public const string Approval = "mandate.approval.id";
    public const string Approver = "mandate.approver";
    public const string CheckId = "mandate.check_id";
    public const string OAuthError = "oauth.error";
    public const string Endpoint = "mandate.endpoint";
}
