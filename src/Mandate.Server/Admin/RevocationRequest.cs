using Mandate.Core.Revocation;

namespace Mandate.Server.Admin;

/// <summary>Body of POST /admin/revocations.</summary>
public sealed record RevocationRequest(string? Target, string? Value, string? Reason, string? By)
{
    private static readonly Dictionary<string, RevocationTarget> Targets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["token"] = RevocationTarget.Token,
        ["run"] = RevocationTarget.Run,
        ["agent"] = RevocationTarget.Agent,
        ["tenant"] = RevocationTarget.Tenant,
        ["user"] = RevocationTarget.User,
    };

    /// <summary>
    /// The target, only by one of its five names: not a number ("1" is not "agent"), a list ("token,run") or padded
    /// text, which an enum parse would take for some other target.
    /// </summary>
    public bool TryGetTarget(out RevocationTarget target)
    {
        target = default;
        return Target is not null && Targets.TryGetValue(Target, out target);
    }
}
