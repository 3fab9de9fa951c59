using System.Reflection;

namespace Mandate.Core.Audit;

/// <summary>
/// Every audit kind Mandate writes, read from the constants of the <c>*AuditKinds</c> classes (<see cref="AuditKinds"/>,
/// <see cref="EgressAuditKinds"/>, <see cref="Spiffe.SpiffeAuditKinds"/>, …), so a kind added there is known to
/// queries and help at once, without a second list to keep in step.
/// </summary>
public static class AuditKindCatalog
{
    private static readonly Lazy<IReadOnlyList<string>> Kinds = new(Collect);

    /// <summary>All kinds, in ordinal order.</summary>
    public static IReadOnlyList<string> All => Kinds.Value;

    public static bool IsKnown(string kind) => All.Contains(kind, StringComparer.Ordinal);

    private static IReadOnlyList<string> Collect() =>
        [.. typeof(AuditKinds).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: true, IsSealed: true, IsPublic: true } && t.Name.EndsWith(nameof(AuditKinds), StringComparison.Ordinal))
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
}
