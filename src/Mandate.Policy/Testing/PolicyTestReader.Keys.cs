using YamlDotNet.RepresentationModel;

namespace Mandate.Policy.Testing;

/// <summary>
/// The keys a test file, a case and a request take. A misspelt key is refused with "did you mean", never read as
/// absent: <c>usr: alice</c> would otherwise turn a user's request into background work and test something else.
/// </summary>
public static partial class PolicyTestReader
{
    private static readonly string[] FileKeys = ["policy", "environment", "cases"];

    private static readonly string[] CaseKeys = ["name", "request", "expect", "rule", "decided_by", "reason_contains"];

    private static readonly string[] RequestKeys =
    [
        "agent", "tool", "scopes", "tenant", "subject", "user", "user_tenant", "user_claims", "authorization_details",
        "evidence_subject", "evidence", "rate_counts", "run", "environment", "now", "sender_constraint", "mcp", "delegators", "depth",
    ];

    private static readonly string[] McpKeys = ["tool", "arguments"];

    /// <summary>Each key of <paramref name="node"/> outside <paramref name="known"/>, as <c>line:column: what: unknown key …</c>.</summary>
    private static IEnumerable<string> UnknownKeys(YamlMappingNode node, string what, IReadOnlyCollection<string> known) =>
        node.Children.Keys
            .Select(k => (Key: k, Name: (k as YamlScalarNode)?.Value ?? ""))
            .Where(k => !known.Contains(k.Name, StringComparer.Ordinal))
            .Select(k => $"{k.Key.Start.Line}:{k.Key.Start.Column}: {what}: unknown key '{k.Name}' ("
                + (NameSuggestions.Closest(k.Name, known) is { } s ? $"did you mean '{s}'?" : "it takes " + string.Join(", ", known))
                + ")");

    /// <summary>
    /// Each key of a request (and of its <c>mcp</c> mapping and <c>delegators</c> entries) that it does not take, as <c>line:column: what: unknown key …</c>,
    /// so a request file's reader can report them apart from values that cannot be read.
    /// </summary>
    /// <param name="r">The request mapping.</param>
    public static IReadOnlyList<string> UnknownRequestKeys(YamlMappingNode r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var unknown = UnknownKeys(r, "request", RequestKeys).Concat(UnknownDelegatorKeys(r));
        if (r.Children.TryGetValue("mcp", out var mcp) && mcp is YamlMappingNode m)
        {
            unknown = unknown.Concat(UnknownKeys(m, "request.mcp", McpKeys));
        }

        return unknown.ToList();
    }

    private static void RefuseUnknownRequestKeys(YamlMappingNode r)
    {
        if (UnknownRequestKeys(r) is { Count: > 0 } problems)
        {
            throw new FormatException(string.Join("; ", problems));
        }
    }
}
