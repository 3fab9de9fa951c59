namespace Mandate.Server.Admin;

/// <summary>
/// The refusals of the admin socket, sent as the Problem Details member <c>check_id</c>. They are ids only, not
/// <see cref="Core.Protocol.Check"/> entries: the admin API answers RFC 9457 problems, which carry no OAuth error
/// code. A store outage is <c>store.unavailable</c> (<see cref="Core.Storage.StoreChecks"/>), answered by the host.
/// </summary>
public static class AdminChecks
{
    /// <summary>400: a revocation body without a known target and a value.</summary>
    public const string RevocationInvalid = "admin.revocation_invalid";

    /// <summary>400: enabling an agent without naming it.</summary>
    public const string EnableInvalid = "admin.enable_invalid";

    /// <summary>409: the agent named is not disabled.</summary>
    public const string AgentNotDisabled = "admin.agent_not_disabled";

    /// <summary>409: an audit checkpoint was asked for but <c>audit.checkpoints.file</c> is not set.</summary>
    public const string CheckpointsOff = "admin.checkpoints_off";

    /// <summary>409: no audit checkpoint was signed because the chain since the last one does not verify (the detail names the record).</summary>
    public const string AuditChainBroken = "admin.audit_chain_broken";

    /// <summary>400: an approvals filter that is not a status.</summary>
    public const string ApprovalStatusInvalid = "admin.approval_status_invalid";

    /// <summary>404: no approval has the id.</summary>
    public const string ApprovalUnknown = "admin.approval_unknown";

    /// <summary>409: the approval is decided, consumed or expired already (a withdrawn one answers <c>approval.withdrawn</c>).</summary>
    public const string ApprovalNotPending = "admin.approval_not_pending";

    /// <summary>400: a registration entry that is not valid (each problem named in the detail).</summary>
    public const string EntryInvalid = "admin.entry_invalid";

    /// <summary>404: no registration entry has the id.</summary>
    public const string EntryUnknown = "admin.entry_unknown";

    /// <summary>400: a list endpoint's query names a parameter it does not take, repeats one, or has a bad limit.</summary>
    public const string QueryInvalid = "admin.query_invalid";

    /// <summary>
    /// 400: a JSON body that is not one object, names a member the call does not take, repeats one or gives one a
    /// value of the wrong type; 413 over 64 KiB; 415 not sent as application/json.
    /// </summary>
    public const string BodyInvalid = "admin.body_invalid";

    /// <summary>
    /// 400: free text the audit trail would keep (<c>by</c>, <c>reason</c>, <c>approver</c>) is over 500 characters, holds a
    /// control or format character, or holds a whole token (<see cref="Core.Audit.OperatorText"/>).
    /// </summary>
    public const string TextInvalid = "admin.text_invalid";

    /// <summary>404: no run is recorded with the id and no audit record carries it.</summary>
    public const string RunUnknown = "admin.run_unknown";

    /// <summary>404: the tool cannot hold a vaulted secret.</summary>
    public const string SecretToolInvalid = "admin.secret_tool_invalid";

    /// <summary>400: a secret value that is empty, too short, too long or not printable ASCII.</summary>
    public const string SecretInvalid = "admin.secret_invalid";

    /// <summary>404: the tool has no vaulted secret.</summary>
    public const string SecretUnknown = "admin.secret_unknown";

    /// <summary>400: a key rotation names a purpose that is not one of the key purposes.</summary>
    public const string KeyPurposeInvalid = "admin.key_purpose_invalid";

    /// <summary>409: a key rotation names a purpose this broker holds no key ring for (not configured, or not rotated on demand).</summary>
    public const string KeyPurposeUnavailable = "admin.key_purpose_unavailable";
}
