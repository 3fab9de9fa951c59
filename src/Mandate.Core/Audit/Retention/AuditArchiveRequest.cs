using Microsoft.IdentityModel.Tokens;

namespace Mandate.Core.Audit.Retention;

/// <summary>What <see cref="AuditArchiver"/> is asked to archive, and how to check it.</summary>
public sealed record AuditArchiveRequest
{
    /// <summary>Archive up to the newest signed checkpoint made before this instant.</summary>
    public required DateTimeOffset Before { get; init; }

    /// <summary>The archive file to create; it must not exist.</summary>
    public required string Target { get; init; }

    /// <summary>The signed checkpoint file (<c>audit.checkpoints.file</c>).</summary>
    public required string CheckpointFile { get; init; }

    /// <summary>Checkpoint keys by kid, to verify the checkpoints and the previous prune anchor.</summary>
    public required IReadOnlyDictionary<string, JsonWebKey> Keys { get; init; }

    /// <summary>The broker's <c>issuer</c>: every checkpoint must be signed for it (null checks no issuer).</summary>
    public string? Issuer { get; init; }

    /// <summary>The node named in the <c>audit_archived</c> record.</summary>
    public string? Node { get; init; }
}

/// <summary>
/// What an archive run did: the new anchor and how many records went to the archive, or why nothing was archived or
/// pruned (a file is left in place only when it is complete and verified; the refusal says so).
/// </summary>
public sealed record AuditArchiveOutcome(AuditPruneAnchor? Anchor, long First, long Records, string? Refusal)
{
    internal static AuditArchiveOutcome Refused(string refusal) => new(null, 0, 0, refusal);
}
