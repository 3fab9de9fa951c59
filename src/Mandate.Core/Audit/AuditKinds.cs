namespace Mandate.Core.Audit;

/// <summary>The kinds of audit events Mandate writes.</summary>
public static class AuditKinds
{
    public const string Decision = "decision";
    public const string Issuance = "issuance";
    public const string Introspection = "introspection";
    public const string Revocation = "revocation";

    /// <summary>A run started, was renewed, was delegated to a sub-agent, or ended.</summary>
    public const string Run = "run";
    public const string KeyRotation = "key_rotation";
    public const string PolicyLoaded = "policy_loaded";
    public const string ApprovalRequested = "approval_requested";
    public const string ApprovalDecided = "approval_decided";

    /// <summary>Collecting an approved credential was refused: the agent, run, tenant or user was no longer allowed.</summary>
    public const string ApprovalRefused = "approval_refused";
    /// <summary>An approved MCP tool call was made: its approval was consumed (single use) without a credential being issued.</summary>
    public const string ApprovalConsumed = "approval_consumed";
    public const string EvidencePosted = "evidence_posted";
    public const string ShadowDecision = "shadow_decision";

    /// <summary>A workload's client certificate (X.509-SVID) was refused at an OAuth endpoint.</summary>
    public const string ClientAuthentication = "client_authentication";

    /// <summary>Someone signed in to the web console, or was refused (no console role); evidence names them, their role and how.</summary>
    public const string ConsoleSignIn = "console_sign_in";

    /// <summary>A dynamic database login was dropped (expired or revoked) or could not be dropped yet.</summary>
    public const string LeaseDropped = "lease_dropped";
}
