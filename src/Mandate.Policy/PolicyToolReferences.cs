namespace Mandate.Policy;

/// <summary>
/// Checks that every tool a rule names is configured. A rule naming an unknown tool never matches, so a typo in
/// an allow rule silently grants nothing and a typo in a deny rule silently protects nothing: both are refused.
/// </summary>
internal static class PolicyToolReferences
{
    public static void Check(PolicyYamlNode root, IReadOnlyCollection<string> knownTools, List<PolicyProblem> problems)
    {
        if (root is not PolicyYamlMapping document)
        {
            return;
        }

        var rules = document.Entries.Where(e => e.Key.Value == "rules").Select(e => e.Value).OfType<PolicyYamlSequence>();
        var tools = rules.SelectMany(r => r.Items).OfType<PolicyYamlMapping>()
            .SelectMany(rule => rule.Entries.Where(e => e.Key.Value == "tools").Select(e => e.Value))
            .OfType<PolicyYamlSequence>()
            .SelectMany(list => list.Items)
            .OfType<PolicyYamlScalar>()
            .Where(tool => !tool.IsNull && tool.Value != PolicyRule.AnyTool && !knownTools.Contains(tool.Value));
        foreach (var tool in tools)
        {
            var hint = NameSuggestions.Closest(tool.Value, knownTools) is { } suggestion
                ? $"did you mean '{suggestion}'?"
                : knownTools.Count == 0 ? "no tools are configured" : $"configured tools: {string.Join(", ", knownTools.Order(StringComparer.Ordinal))}";
            problems.Add(PolicyYamlValues.At(tool, $"tool '{tool.Value}' is not configured ({hint}); add it under 'tools:' in the configuration or correct the name"));
        }
    }
}
