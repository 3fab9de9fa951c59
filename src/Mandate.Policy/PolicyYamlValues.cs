namespace Mandate.Policy;

/// <summary>
/// Reads typed values out of <see cref="PolicyYamlNode"/>s, adding a located problem for every
/// value of the wrong shape instead of throwing, so one pass reports everything.
/// </summary>
internal static class PolicyYamlValues
{
    /// <summary>A non-empty single value, or null after reporting why not.</summary>
    public static string? ReadString(PolicyYamlNode node, List<PolicyProblem> problems)
    {
        if (node is PolicyYamlScalar { IsNull: false } scalar && !string.IsNullOrWhiteSpace(scalar.Value))
        {
            return scalar.Value;
        }

        var found = node is PolicyYamlScalar { IsNull: false } ? "an empty value" : node.Kind;
        problems.Add(At(node, $"must be a single non-empty value, found {found}"));
        return null;
    }

    /// <summary>
    /// Reads a non-empty list of non-empty single values. Returns the good items, reporting each
    /// bad one, so callers can check the good ones too; <paramref name="complete"/> is false when
    /// anything was reported. An empty list is always a mistake here: it would silently match nothing.
    /// </summary>
    /// <param name="node">The value to read.</param>
    /// <param name="emptyHint">What to write instead of an empty list.</param>
    /// <param name="problems">Where problems go.</param>
    /// <param name="complete">False when a problem was reported.</param>
    public static List<PolicyYamlScalar> ReadList(
        PolicyYamlNode node, string emptyHint, List<PolicyProblem> problems, out bool complete)
    {
        complete = false;
        if (node is not PolicyYamlSequence sequence)
        {
            var example = node is PolicyYamlScalar { IsNull: false } scalar ? $"; write [{scalar.Value}] for one item" : string.Empty;
            problems.Add(At(node, $"must be a list, found {node.Kind}{example}"));
            return [];
        }

        if (sequence.Items.Count == 0)
        {
            problems.Add(At(node, $"must not be an empty list, which would match nothing; {emptyHint}"));
            return [];
        }

        var items = new List<PolicyYamlScalar>(sequence.Items.Count);
        foreach (var item in sequence.Items.TakeWhile(_ => !PolicyParser.TooMany(problems)))
        {
            if (item is PolicyYamlScalar { IsNull: false } scalar && !string.IsNullOrWhiteSpace(scalar.Value))
            {
                items.Add(scalar);
            }
            else
            {
                var found = item is PolicyYamlScalar { IsNull: false } ? "an empty value" : item.Kind;
                problems.Add(At(item, $"list items must be non-empty single values, found {found}"));
            }
        }

        complete = items.Count == sequence.Items.Count;
        return items;
    }

    /// <summary>Reports a key that is not part of the format, suggesting the one probably meant.</summary>
    public static void ReportUnknownKey(PolicyYamlScalar key, IReadOnlyList<string> known, List<PolicyProblem> problems)
    {
        var hint = NameSuggestions.Hint(key.Value, known);
        var path = key.Path.Length == 0 ? key.Value : $"{key.Path}.{key.Value}";
        problems.Add(new(path, key.Line, key.Column, $"unknown key '{key.Value}' ({hint})"));
    }

    public static PolicyProblem At(PolicyYamlNode node, string message) => new(node.Path, node.Line, node.Column, message);
}
