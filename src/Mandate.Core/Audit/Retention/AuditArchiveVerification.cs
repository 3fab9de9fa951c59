using Mandate.Core.Audit.Checkpoints;

namespace Mandate.Core.Audit.Retention;

/// <summary>What verifying one archive found: its range and covering checkpoint, or the first problem (for the operator).</summary>
public sealed record AuditArchiveVerification(long First, long Last, AuditCheckpoint? Covering, string? Problem)
{
    public bool IsValid => Problem is null;

    /// <summary>Where the next archive of the series continues from: the covering checkpoint's head.</summary>
    public AuditTail? End => Covering?.Head;

    internal static AuditArchiveVerification Refused(string problem) => new(0, 0, null, problem);
}
