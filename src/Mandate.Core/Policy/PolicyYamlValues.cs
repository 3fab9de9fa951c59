namespace Mandate.Core.Policy;

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
        foreach (var item in sequence.Items)
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
        // Short keys get a tighter bound, or every two-letter typo would "mean" 'id'.
        var suggestion = known
            .Select(k => (Key: k, Distance: Distance(k, key.Value)))
            .Where(c => c.Distance <= (c.Key.Length <= 4 ? 1 : 2))
            .OrderBy(c => c.Distance)
            .Select(c => c.Key)
            .FirstOrDefault();
        var hint = suggestion is null ? $"known keys: {string.Join(", ", known)}" : $"did you mean '{suggestion}'?";
        var path = key.Path.Length == 0 ? key.Value : $"{key.Path}.{key.Value}";
        problems.Add(new(path, key.Line, key.Column, $"unknown key '{key.Value}' ({hint})"));
    }

    public static PolicyProblem At(PolicyYamlNode node, string message) => new(node.Path, node.Line, node.Column, message);

    // Levenshtein distance; keys are a dozen characters, so the quadratic table is trivial.
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
