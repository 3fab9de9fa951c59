namespace Mandate.Core.Audit;

/// <summary>
/// The copies of event fields a store keeps in their own columns so queries can filter without
/// parsing payloads (in the compact form, the shape's kind, outcome, agent and tenant; see
/// <see cref="AuditCompactForm"/>). They are not covered by the hash; <see cref="AuditVerifier"/> compares them
/// with the payload instead. <see cref="Time"/> is text in <see cref="AuditCanonicalJson.FormatTime"/> form so
/// the comparison is exact.
/// </summary>
public sealed record AuditIndexColumns(
    string Time,
    string Kind,
    string Outcome,
    string? Agent,
    string? Tenant,
    string? User,
    string? Run,
    string? Jti)
{
    /// <summary>The columns a store must write for <paramref name="e"/>.</summary>
    public static AuditIndexColumns From(AuditEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(AuditCanonicalJson.FormatTime(e.Time), e.Kind, e.Outcome, e.Agent, e.Tenant, e.User, e.Run, e.Jti);
    }

    /// <summary>Names of the columns whose values differ from <paramref name="other"/>, in column order.</summary>
    public IReadOnlyList<string> Differences(AuditIndexColumns other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var names = new List<string>();
        Compare(names, "time", Time, other.Time);
        Compare(names, "kind", Kind, other.Kind);
        Compare(names, "outcome", Outcome, other.Outcome);
        Compare(names, "agent", Agent, other.Agent);
        Compare(names, "tenant", Tenant, other.Tenant);
        Compare(names, "user", User, other.User);
        Compare(names, "run", Run, other.Run);
        Compare(names, "jti", Jti, other.Jti);
        return names;
    }

    private static void Compare(List<string> names, string name, string? left, string? right)
    {
        if (!string.Equals(left, right, StringComparison.Ordinal))
        {
            names.Add(name);
        }
    }
}
