namespace Mandate.Core.Audit.Retention;

/// <summary>Audit kinds of audit retention.</summary>
public static class RetentionAuditKinds
{
    /// <summary>Records up to a signed checkpoint were exported to an archive file and pruned from the store.</summary>
    public const string AuditArchived = "audit_archived";
}
