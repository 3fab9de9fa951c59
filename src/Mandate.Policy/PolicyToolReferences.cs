namespace Mandate.Policy;

/// <summary>
/// Checks the tools a rule names against the configured ones. A rule naming an unknown tool never matches, so a typo in
/// an allow rule silently grants nothing and a typo in a deny rule silently protects nothing: both are refused. So is a
/// <c>sender_constraint</c> on a tool whose credentials cannot be bound: the request would be bound, the credential not.
/// </summary>
internal static class PolicyToolReferences
{
    public static void Check(PolicyYamlNode root, PolicyToolCatalog knownTools, List<PolicyProblem> problems)
    {
        if (root is not PolicyYamlMapping document)
        {
            return;
        }

        var rules = document.Entries.Where(e => e.Key.Value == "rules").Select(e => e.Value).OfType<PolicyYamlSequence>()
            .SelectMany(r => r.Items).OfType<PolicyYamlMapping>();
        foreach (var rule in rules.TakeWhile(_ => !PolicyParser.TooMany(problems)))
        {
            var tools = Value(rule, "tools") is PolicyYamlSequence list
                ? list.Items.OfType<PolicyYamlScalar>().Where(tool => !tool.IsNull && tool.Value != PolicyRule.AnyTool).ToList()
                : [];
            foreach (var tool in tools.Where(tool => !knownTools.Names.Contains(tool.Value)))
            {
                problems.Add(PolicyYamlValues.At(tool, $"tool '{tool.Value}' is not configured ({Hint(tool.Value, knownTools.Names)}); add it under 'tools:' in the configuration or correct the name"));
            }

            if (Value(rule, "sender_constraint") is PolicyYamlScalar { IsNull: false } constraint)
            {
                foreach (var tool in tools.Where(tool => knownTools.Unbindable.ContainsKey(tool.Value)))
                {
                    problems.Add(PolicyYamlValues.At(constraint,
                        $"sender_constraint: {constraint.Value} cannot bind the credentials of tool '{tool.Value}' (kind {knownTools.Unbindable[tool.Value]}): " +
                        "the request would be bound and the credential not; move the tool to a rule without sender_constraint"));
                }
            }
        }
    }

    private static PolicyYamlNode? Value(PolicyYamlMapping mapping, string key) =>
        mapping.Entries.Where(e => e.Key.Value == key).Select(e => e.Value).FirstOrDefault();

    private static string Hint(string tool, IReadOnlySet<string> knownTools) =>
        NameSuggestions.Closest(tool, knownTools) is { } suggestion
            ? $"did you mean '{suggestion}'?"
            : knownTools.Count == 0 ? "no tools are configured" : $"configured tools: {string.Join(", ", knownTools.Order(StringComparer.Ordinal))}";
}
