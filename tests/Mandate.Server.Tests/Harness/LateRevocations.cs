using Mandate.Core.Revocation;

namespace Mandate.Server.Tests.Harness;

/// <summary>
/// The state a race between nodes leaves: a revocation made on another node at <c>revokedAt</c>, reaching this node's
/// in-memory list only after this node has already acted on the revoked principal.
/// </summary>
internal static class LateRevocations
{
    public static Revocation Late(RevocationTarget target, string value, DateTimeOffset revokedAt) => new()
    {
        Id = "rev_late",
        Target = target,
        Value = value,
        RevokedAt = revokedAt,
        KeepUntil = revokedAt.AddHours(9),
        RevokedBy = "admin",
    };
}
